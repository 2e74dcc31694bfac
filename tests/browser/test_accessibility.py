"""Issue #18, item 1: every page the permission matrix knows, for each role, audited with axe-core
(WCAG 2.1 A and AA) at 1366 px and on a 390 px phone, and no page wider than the phone.

axe-core is vendored in tests/vendor/axe-core/ (version in the file's first line, MPL-2.0, licence
beside it). Each role gets one browser context and one page, resized rather than reloaded between
the two widths, so the run stays short. Every finding, whatever its impact, is written to
test-artifacts/axe/<role>.json to be looked at; the test fails on the serious and critical ones and
on any sideways overflow at 390 px.
"""

import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from devtools.demo import DEMO_PASSWORD
from tests.browser_fixtures import ARTIFACTS, login
from tests.pes21.matrix_urls import ARGS
from tests.pes21.matrix_world import World, build_world
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
        # Built once per world: some arguments create a record (an answered follow-up).
        url = world.objects.get(f"url:{name}")
        if url is None:
            url = reverse(name, args=ARGS[name](world) if name in ARGS else None)
            world.objects[f"url:{name}"] = url
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


def _audit_role(chromium, live_server, world, role: str, *, extra_urls=(), password=None):
    """Audit every page `role` may open; the findings are written to test-artifacts/axe/."""
    urls = _html_pages(world, role) + list(extra_urls)
    context = chromium.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        if role != "anonymous":
            username = world.users[role].username
            if password:
                login(page, live_server, username, password)
            else:
                login(page, live_server, username)
        findings, overflowing = _audit(page, urls, live_server.url)
    finally:
        context.close()
    summary = _summary(findings)
    AXE_REPORT.mkdir(parents=True, exist_ok=True)
    name = role if password is None else f"demo-{role}"
    (AXE_REPORT / f"{name}.json").write_text(
        json.dumps(
            {"pages": urls, "violations": summary, "overflowing": overflowing},
            ensure_ascii=False,
            indent=2,
        )
    )
    return urls, summary, overflowing


def _check(urls, summary, overflowing) -> None:
    # The run must have seen pages: an empty list would pass without auditing anything.
    assert urls
    failing = {k: v for k, v in summary.items() if v["impact"] in FAILING_IMPACTS}
    assert not failing, json.dumps(failing, ensure_ascii=False, indent=1)
    assert not overflowing, overflowing


@pytest.mark.parametrize("role", ["anonymous", "volunteer", "staff", "director"])
def test_every_page_passes_axe_and_fits_a_phone(chromium, live_server, role):
    _check(*_audit_role(chromium, live_server, build_world(), role))


def _demo_world() -> World:
    """The demo as `make run` creates it (seed_demo), as a matrix world: its accounts for the
    roles, and a record of each kind the matrix's URLs name, the showcase's where it has one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accompaniment.models import CollectiveAction, Meeting, Project
    from dla.models import CollectiveEngineering, Provider, Step, Structure
    from generateur.models import TerritorialAction, TerritorialProject
    from pes21.models import Attachment, User
    from reporting.models import Focus, ReportEdition, ReportImage
    from volunteers.models import Case, Volunteer

    call_command("seed_demo", stdout=io.StringIO())
    users = {
        "volunteer": User.objects.get(username="benevole"),
        "other_volunteer": User.objects.get(username="benevole2"),
        "staff": User.objects.get(username="sbaudemont"),
        "director": User.objects.get(username="direction"),
    }
    project = Project.objects.filter(referent=users["staff"], status="accompagne").first()
    territorial = TerritorialProject.objects.get(ref="DG-OUCHE")
    objects = {
        "holder": project.holders.first(),
        "project": project,
        "meeting": Meeting.objects.filter(project=project).first(),
        "action": CollectiveAction.objects.first(),
        "provider": Provider.objects.first(),
        "collective": CollectiveEngineering.objects.first(),
        "structure": Structure.objects.filter(steps__kind="ingenierie_individuelle").first(),
        # An engineering whose first follow-up is still to answer (the matrix answers it).
        "step": Step.objects.filter(kind="ingenierie_individuelle", follow_ups__isnull=True)
        .order_by("pk")
        .first(),
        "territory": territorial.territory,
        "territorial": territorial,
        "territorial_action": TerritorialAction.objects.filter(project=territorial).first(),
        "taken_case": Case.objects.filter(volunteer__user=users["volunteer"]).first(),
        "open_case": Case.objects.open().first(),
        "volunteer": Volunteer.objects.get(user=users["volunteer"]),
        "edition": ReportEdition.objects.get(year=2023),
        "focus": Focus.objects.first(),
        "report_image": ReportImage.objects.first(),
        "attachment": Attachment.objects.create(
            target=project, title="Budget", file=SimpleUploadedFile("budget.pdf", b"%PDF-1")
        ),
        "reset_user": User.objects.create_user("m-oubli", email="oubli@example.org"),
    }
    return World(users=users, objects=objects)


# The demo's reports: the showcase year, the next one (both published), last year's draft.
DEMO_REPORTS = ["/rapport/2023/", "/rapport/2024/", "/rapport/2025/"]


def test_every_page_of_the_demo_passes_axe_and_fits_a_phone(chromium, live_server):
    """Issue 28: the demo data reach states the matrix world does not (long names, published
    reports, full desks): every page, every role, with the data `make run` creates."""
    world = _demo_world()
    failures = {}
    for role in ("anonymous", "volunteer", "staff", "director"):
        extra = DEMO_REPORTS if role in ("staff", "director") else []
        urls, summary, overflowing = _audit_role(
            chromium, live_server, world, role, extra_urls=extra, password=DEMO_PASSWORD
        )
        assert urls, role
        failing = {k: v for k, v in summary.items() if v["impact"] in FAILING_IMPACTS}
        if failing or overflowing:
            failures[role] = {"axe": failing, "overflowing": overflowing}
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1, default=list)
