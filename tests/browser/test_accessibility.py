"""Issue #18, item 1: every page the permission matrix knows, for each role, audited with axe-core
(WCAG 2.1 A and AA) at 1366 px and on a 390 px phone, and no page wider than the phone.

axe-core is vendored in tests/vendor/axe-core/ (version in the file's first line, MPL-2.0, licence
beside it). Each role gets one browser context and one page, resized rather than reloaded between
the two widths, so the run stays short. Every finding, whatever its impact, is written to
test-artifacts/axe/<role>.json to be looked at; the test fails on the serious and critical ones and
on any sideways overflow at 390 px.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.browser_fixtures import ARTIFACTS, login
from tests.pes21.matrix_urls import ARGS
from tests.pes21.matrix_world import build_world
from tests.pes21.test_permission_matrix import MATRIX, ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IMPACTS = [None, "minor", "moderate", "serious", "critical"]
FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = {"bureau": (1366, 900), "telephone": (390, 844)}
AXE_REPORT = ARTIFACTS.parent / "axe"

RUN_AXE = """async (tags) => {
  const result = await axe.run(
    document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.map(n => {
      const data = (n.any[0] || {}).data || {};
      const colours = data.fgColor
        ? ` (${data.fgColor} sur ${data.bgColor}, ${data.contrastRatio})` : '';
      return n.target.join(' ') + colours;
    })
  }));
}"""
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
# The page's width, the viewport's, and the outermost elements that stick out (to know what to fix).
OVERFLOW = """() => {
  const sticksOut = e => e && e.getBoundingClientRect().right > window.innerWidth + 1;
  const wide = [...document.body.querySelectorAll('*')].filter(
    e => sticksOut(e) && !sticksOut(e.parentElement));
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim()
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  return [document.documentElement.scrollWidth, window.innerWidth, wide.slice(0, 5).map(name)];
}"""


def _is_document(response) -> bool:
    return response.content.lstrip()[:15].lower() == b"<!doctype html>"


def _html_pages(world, role: str) -> list[str]:
    """The URLs of the matrix a role may GET, keeping only those that answer with a whole page
    (not a CSV, a PDF, a download or an htmx fragment), as the server says."""
    column = ROLES.index(role)
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    urls = []
    for name, method, expected in MATRIX:
        if method != "GET" or expected[column] != 200:
            continue
        url = reverse(name, args=ARGS[name](world) if name in ARGS else None)
        response = client.get(url)
        if response.status_code == 200 and not response.streaming and _is_document(response):
            urls.append(url)
    return urls


AXE_SOURCE = AXE.read_text(encoding="utf-8")


def _audit(page, urls: list[str], base: str) -> tuple[list[dict], list[str]]:
    findings, overflowing = [], []
    for url in urls:
        page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["bureau"], strict=True)))
        page.goto(base + url)
        # Evaluated through the DevTools protocol, not as a <script>: the page keeps its
        # Content-Security-Policy (no inline script) while it is audited.
        page.evaluate(AXE_SOURCE)
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            # The page's own resize handlers run before the audit, as they would for a person.
            page.evaluate(NEXT_FRAMES)
            for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
                findings.append({"url": url, "width": width_name, **violation})
            if width_name == "telephone":
                scroll_width, inner_width, culprits = page.evaluate(OVERFLOW)
                if scroll_width > inner_width:
                    overflowing.append(f"{url} ({scroll_width} px: {', '.join(culprits)})")
    return findings, overflowing


def _summary(findings: list[dict]) -> dict[str, dict]:
    """rule -> impact, number of nodes, and the pages where it fails."""
    rules: dict[str, dict] = defaultdict(
        lambda: {"impact": None, "nodes": 0, "pages": set(), "targets": set()}
    )
    for finding in findings:
        rule = rules[finding["id"]]
        rule["impact"] = max(rule["impact"], finding["impact"], key=IMPACTS.index)
        rule["nodes"] += len(finding["nodes"])
        rule["pages"].add(f"{finding['url']} [{finding['width']}]")
        rule["targets"].update(finding["nodes"])
    return {
        rule_id: {**rule, "pages": sorted(rule["pages"]), "targets": sorted(rule["targets"])}
        for rule_id, rule in sorted(rules.items())
    }


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "staff", "director"])
def test_every_page_passes_axe_and_fits_a_phone(chromium, live_server, role):
    world = build_world()
    urls = _html_pages(world, role)
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        if role != "anonymous":
            login(page, live_server, world.users[role].username)
        findings, overflowing = _audit(page, urls, live_server.url)
    finally:
        context.close()

    summary = _summary(findings)
    AXE_REPORT.mkdir(parents=True, exist_ok=True)
    (AXE_REPORT / f"{role}.json").write_text(
        json.dumps(
            {"pages": urls, "violations": summary, "overflowing": overflowing},
            ensure_ascii=False,
            indent=2,
        )
    )
    # The run must have seen pages: an empty list would pass without auditing anything.
    assert urls
    failing = {k: v for k, v in summary.items() if v["impact"] in FAILING_IMPACTS}
    assert not failing, json.dumps(failing, ensure_ascii=False, indent=1)
    assert not overflowing, overflowing
