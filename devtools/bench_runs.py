"""`make bench`'s measures that run other commands: the report built (in-process and in a
fresh process), the whole history's export → import round trip, and the import into an empty
SQLite at a larger scale. Each command runs as a person would run it, in a process of its own,
so the figures include its start-up and its own peak resident memory."""

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pes21.french import format_number as fr

from .benchmark import memory_text, peak_mb, timezone_year

if TYPE_CHECKING:
    from .benchmark import Goals


# Runs manage.py, then writes the process's peak resident memory (VmHWM) to stderr. Read
# from /proc rather than getrusage: a child forked from the benchmark (600 MB after
# seeding) would report the benchmark's own peak as its ru_maxrss.
_CHILD = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    print(peak.strip(), file=sys.stderr)
"""


def _separate_process_lines(year: int) -> list[str]:
    """JSON and PDF built by `build_report` in a fresh process: its own peak resident memory,
    which is what a server worker needs, without the benchmark's seeding in it."""
    import tempfile
    from pathlib import Path

    lines = []
    for fmt in ("json", "pdf"):
        with tempfile.TemporaryDirectory() as folder:
            output = Path(folder) / f"rapport.{fmt}"
            seconds, memory, _ = _manage(
                ["build_report", "--year", str(year), "--format", fmt, "--output", str(output)]
            )
            size_kb = output.stat().st_size / 1024
        lines.append(
            f"  {fmt.upper():<5}{seconds:>8.2f} s  processus séparé (démarrage compris), "
            f"mémoire résidente maximale {memory_text(memory)}, {size_kb:.0f} Ko"
        )
    return lines


def run_builds(goals: "Goals | None" = None) -> list[str]:
    from devtools.report_bench import (
        font_subsetter,
        measure_report,
        report_build_lines,
        report_lines,
    )
    from exchange.samples import SAMPLE_2022
    from exchange.services import activity_import_benchmark

    last_year = measure_report(timezone_year() - 1)
    lines = report_lines(last_year)
    lines.append(f"  sous-ensembles des polices du PDF : {font_subsetter()}")
    if goals is not None:
        pdf = last_year["pdf"]
        goals.add(
            "PDF du rapport, à chaud",
            f"{fr(pdf['seconds'], 2)} s (CPU {fr(pdf['cpu'], 2)} s), {pdf['pages']} pages",
            "< 3 s",
            pdf["seconds"] / 3 - 1,
        )
    # The year of the association's own report the demo edition follows (issue 15).
    lines += report_build_lines(2023)
    lines += _separate_process_lines(timezone_year() - 1)
    # Timed on its own: under tracemalloc, Python runs several times slower.
    report = activity_import_benchmark(source=SAMPLE_2022)
    memory = peak_mb(lambda: activity_import_benchmark(source=SAMPLE_2022))
    lines.append(
        f"Import du jeu d'exemple 2022 : {report.seconds:.2f} s "
        f"(pic Python {memory:.1f} Mo, annulé ensuite)"
    )
    return lines


def _manage(args: list[str], database_url: str | None = None) -> tuple[float, float | None, str]:
    """manage.py in a fresh process (on another database): seconds, peak resident memory in
    MB (None where /proc does not tell), stdout."""
    import os
    import re
    import subprocess
    import sys

    from django.conf import settings

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "manage.py", *args],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env=os.environ | ({"DATABASE_URL": database_url} if database_url else {}),
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    found = re.search(r"VmHWM:\s*(\d+) kB", done.stderr)
    return seconds, int(found.group(1)) / 1024 if found else None, done.stdout


def _empty_database_url() -> tuple[str, Callable[[], None]]:
    """A new empty database beside the benchmark's, and how to drop it afterwards."""
    import os
    import tempfile
    import urllib.parse
    from pathlib import Path

    from django.db import connection

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        folder = tempfile.TemporaryDirectory()
        return f"sqlite:///{Path(folder.name) / 'aller-retour.sqlite3'}", folder.cleanup
    name = f"{settings_dict['NAME']}_aller_retour"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    # The benchmark's own DATABASE_URL (scripts/with_postgres.sh), with the other name.
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path=f"/{name}")), drop


def _csv_rows(path) -> int:
    """Rows of a CSV file, its header not counted (a quoted cell may span lines)."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def run_round_trip(goals: "Goals | None" = None) -> list[str]:
    """Export the whole history, import it into an empty database, compare the reports.

    The import runs as `import_activity` does, in its own process; the reports compared are
    `build_report --format json` of the last two years and this one, on both databases.
    """
    import json
    import tempfile
    from pathlib import Path

    lines = []
    with tempfile.TemporaryDirectory() as folder:
        # The export as `export_activity` runs it, in its own process: its time and memory.
        seconds, memory, _ = _manage(["export_activity", folder])
        rows = sum(_csv_rows(path) for path in Path(folder).glob("*.csv"))
        lines.append(
            f"Export de tout l'historique : {seconds:.1f} s, {fr(rows, 0)} lignes "
            f"({fr(rows / seconds, 0)} lignes/s), mémoire résidente maximale {memory_text(memory)}"
        )
        url, drop = _empty_database_url()
        try:
            _manage(["migrate", "--noinput", "-v0"], url)
            seconds, memory, _ = _manage(["import_activity", folder], url)
            lines.append(
                f"Import dans une base vide : {seconds:.1f} s (processus séparé), "
                f"{fr(rows / seconds, 0)} lignes/s, "
                f"mémoire résidente maximale {memory_text(memory)}"
            )
            if goals is not None:
                goals.import_row(
                    f"Import de tout l'historique dans un {_vendor()} vide",
                    rows,
                    seconds,
                    memory,
                    max_seconds=90,
                    max_mb=400,
                )
            this_year = timezone_year()
            for year in (this_year - 2, this_year - 1, this_year):
                report = ["build_report", "--year", str(year), "--format", "json"]
                # build_report on both sides: published figures where an edition is published.
                before = json.loads(_manage(report)[2])
                after = json.loads(_manage(report, url)[2])
                lines.append(
                    f"  rapport {year} (JSON) après l'aller-retour : "
                    + ("identique" if after == before else "DIFFÉRENT")
                )
        finally:
            drop()
    return lines


def run_sqlite_import(scale: int = 4, goals: "Goals | None" = None) -> list[str]:
    """The whole history of a network `scale` times the association, exported from SQLite and
    imported into an empty SQLite: each command in a process of its own, start-up included, as
    a person running `import_activity` on a laptop waits for it."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        source = f"sqlite:///{Path(folder) / 'source.sqlite3'}"
        empty = f"sqlite:///{Path(folder) / 'vide.sqlite3'}"
        export = Path(folder) / "export"
        export.mkdir()
        for url in (source, empty):
            _manage(["migrate", "--noinput", "-v0"], url)
        _manage(["seed_demo", "--scale", str(scale)], source)
        _manage(["export_activity", str(export)], source)
        rows = sum(_csv_rows(path) for path in export.glob("*.csv"))
        seconds, memory, _ = _manage(["import_activity", str(export)], empty)
    if goals is not None:
        goals.import_row(
            f"Import de tout l'historique ×{scale} dans un SQLite vide",
            rows,
            seconds,
            memory,
            min_rows_per_second=10_000,
            max_mb=200,
        )
    return [
        f"Import de tout l'historique ×{scale} ({fr(rows, 0)} lignes) dans un SQLite vide : "
        f"{seconds:.1f} s (processus séparé), {fr(rows / seconds, 0)} lignes/s, "
        f"mémoire résidente maximale {memory_text(memory)}"
    ]


def _vendor() -> str:
    from django.db import connection

    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        connection.vendor, connection.vendor
    )
