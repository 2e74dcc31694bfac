"""Time and peak memory to build a year's report as JSON and as PDF (for `make bench`).

    .venv/bin/python -m reporting.bench [--year 2025]      (Django settings from the env)

or from code: `from reporting.bench import report_build_lines; lines = report_build_lines()`.
Time is wall-clock; memory is the peak of Python allocations (tracemalloc) during the
build. The resident memory a server process needs (WeasyPrint's C libraries included) is
measured by `make bench` on a build in a process of its own (pes21.benchmark).
"""

import json
import time
import tracemalloc
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


def _measure(build: Callable[[], object]) -> tuple[float, float, float, int, object]:
    """Time one build, then measure its memory on a second one (tracemalloc slows Python)."""
    with CaptureQueriesContext(connection) as queries:
        start, cpu_start = time.perf_counter(), time.process_time()
        result = build()
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, cpu, peak / 1024 / 1024, len(queries), result


def measure_report(year: int) -> dict:
    from .document import PDF_VARIANT, report_document
    from .selectors import report_figures

    pages = []
    builds = []  # the seconds of each build's steps: warm-up, timed, under tracemalloc

    def report_pdf(year: int) -> bytes:
        steps = {}
        document = report_document(year, timings=steps)
        pages[:] = [len(document.pages)]
        start = time.perf_counter()
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        builds.append(steps | {"write": time.perf_counter() - start})
        return pdf

    reset_queries()
    json_s, json_cpu, json_mb, json_q, data = _measure(
        lambda: json.dumps(report_figures(year), cls=DjangoJSONEncoder)
    )
    # A running server has WeasyPrint loaded and its fonts found: time a warm build (the cold
    # one, start-up included, is measured in a process of its own by pes21.benchmark).
    report_pdf(year)
    pdf_s, pdf_cpu, pdf_mb, pdf_q, pdf = _measure(lambda: report_pdf(year))
    return {
        "year": year,
        "json": {
            "seconds": json_s,
            "cpu": json_cpu,
            "peak_mb": json_mb,
            "queries": json_q,
            "bytes": len(data),
        },
        "pdf": {
            "seconds": pdf_s,
            "cpu": pdf_cpu,
            "peak_mb": pdf_mb,
            "queries": pdf_q,
            "bytes": len(pdf),
            "pages": pages[0],
            # Of the timed build: the HTML (figures and templates), the layout, the writing.
            "steps": builds[1],
        },
    }


def font_subsetter() -> str:
    """Which library WeasyPrint cuts the PDF's fonts with: HarfBuzz's subsetter (Debian's
    libharfbuzz-subset0, `scripts/ensure_system_deps.sh`) or its slower fontTools fallback."""
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz

    if fonts.harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz"
    return "fontTools (libharfbuzz-subset.so.0 absente : PDF plus lent)"


def report_build_lines(year: int | None = None) -> list[str]:
    """Printable lines, in French like the rest of `make bench`."""
    from django.utils import timezone

    return report_lines(measure_report(year or timezone.localdate().year - 1))


def report_lines(result: dict) -> list[str]:
    lines = [f"Rapport d'activité {result['year']}"]
    for label, key in (("JSON", "json"), ("PDF", "pdf")):
        row = result[key]
        pages = f"  {row['pages']} pages" if "pages" in row else ""
        lines.append(
            # CPU time too: on a loaded machine the wall-clock time says more of the machine.
            f"  {label:<5}{row['seconds']:>8.2f} s (CPU {row['cpu']:.2f} s)  "
            f"pic Python {row['peak_mb']:>7.1f} Mo  {row['queries']:>4} requêtes SQL  "
            f"{row['bytes'] / 1024:>8.1f} Ko{pages}"
        )
    steps = result["pdf"]["steps"]
    lines.append(
        f"       dont HTML (chiffres compris) {steps['html']:.2f} s, mise en page "
        f"{steps['layout']:.2f} s, écriture du PDF {steps['write']:.2f} s"
    )
    return lines


if __name__ == "__main__":
    import argparse
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pes21.settings")
    django.setup()
    parser = argparse.ArgumentParser(description="Mesure la construction du rapport.")
    parser.add_argument("--year", type=int)
    for line in report_build_lines(parser.parse_args().year):
        print(line)
