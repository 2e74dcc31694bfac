"""`make bench`: server time and SQL queries of the main pages on a large dataset.

Each page is requested through Django's full stack (middleware, sessions, templates) with the
test client, in-process, so the figures are the server's time without network. Every page
is also given as a ratio to the floor (a logged-in page rendering only the base layout) and,
for lists, to the Django admin's list of the same model (what a user could use instead).
"""

import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse


@dataclass
class Page:
    label: str
    url_name: str
    args: Callable[[], list] | None = None
    admin: str | None = None  # admin changelist URL name of the same model
    query: str = ""


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    queries: int
    status: int


def measure(client: Client, url: str, repeat: int) -> Timing:
    client.get(url)  # warm caches (templates, session)
    durations = []
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))]
    return Timing(statistics.median(durations), p95, len(captured), response.status_code)


def peak(func: Callable[[], object]) -> tuple[float, float, object]:
    """Seconds and peak Python memory (MB) of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak_bytes / 1024 / 1024, result


def run_pages(client: Client, admin_client: Client, pages: list[Page], repeat: int, out) -> None:
    floor = measure(client, reverse("bench_floor"), repeat)
    out(f"{'page':<44}{'médiane':>9}{'p95':>9}{'SQL':>5}{'×plancher':>11}{'×admin':>8}")
    out(
        f"{'plancher (gabarit de base)':<44}{floor.median_ms:>7.1f}ms{floor.p95_ms:>7.1f}ms"
        f"{floor.queries:>5}{1:>11.1f}{'':>8}"
    )
    for page in pages:
        try:
            url = reverse(page.url_name, args=page.args() if page.args else None)
        except (NoReverseMatch, LookupError, AttributeError) as exc:
            out(f"{page.label:<44} absente ({exc.__class__.__name__})")
            continue
        timing = measure(client, url + page.query, repeat)
        ratio_admin = ""
        if page.admin:
            admin = measure(admin_client, reverse(page.admin), repeat)
            ratio_admin = f"{timing.median_ms / admin.median_ms:.2f}"
        flag = "" if timing.status == 200 else f"  (HTTP {timing.status})"
        out(
            f"{page.label:<44}{timing.median_ms:>7.1f}ms{timing.p95_ms:>7.1f}ms"
            f"{timing.queries:>5}{timing.median_ms / floor.median_ms:>11.1f}{ratio_admin:>8}{flag}"
        )
