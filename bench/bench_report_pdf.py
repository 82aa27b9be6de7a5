"""PDF export time of the yearly report at 10,000 cases (goal: ≤ 1 s from the request's data to the PDF bytes).

Setup (untimed): the fixture of ``bench_reports.py`` (a fresh database, ``processes/`` deployed, 1 city,
4 districts, 5 wards each, N report_1374 cases and their tasks bulk-inserted, ANALYZE). WeasyPrint is imported and
one PDF is made before timing, as a running web process has done by the time a supervisor asks.

Measured, each ``--repeat`` times, each in a fresh session: ``build_summary`` of the whole city for the year 2026
(with the previous year), then ``summary_to_pdf`` of it. Printed: the median and the maximum of the two steps and
of their sum, plus the CPU time of the PDF step (``time.process_time``, which other programs on a shared machine
slow down less than the wall clock), and the size of the PDF.

Usage: ``python bench/bench_report_pdf.py [--cases N] [--repeat R] [--backend sqlite|postgresql]``
"""

import argparse
import statistics
import sys
import time

from bench_reports import NOW, ZONE, machine_facts, set_up
from throwaway_databases import postgres_database, sqlite_database

import engine.services  # noqa: F401  (registers the service operators the processes call)
from engine.core.db import make_engine, make_session_factory
from engine.core.settings import PROJECT_ROOT
from engine.processes.forms import FormCatalog
from engine.reports.export import summary_to_pdf
from engine.reports.periods import parse_period
from engine.reports.summary import build_summary

GOAL_MS = 1000.0
PERIOD = "2026"


def one_export(factory, forms: FormCatalog, unit_id: int) -> tuple[float, float, float, bytes]:
    """Build the yearly report and print it: (report ms, PDF wall ms, PDF CPU ms, the PDF)."""
    start = time.perf_counter()
    with factory() as session:
        summary = build_summary(session, forms, unit_id=unit_id, period=parse_period(PERIOD), zone=ZONE, now=NOW)
    built = time.perf_counter()
    cpu = time.process_time()
    pdf = summary_to_pdf(summary)
    cpu_ms = (time.process_time() - cpu) * 1000
    return (built - start) * 1000, (time.perf_counter() - built) * 1000, cpu_ms, pdf


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the unit tree (default 10000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed exports (default 7)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    postgres = args.backend == "postgresql"
    print("machine:")
    for name, value in machine_facts(postgres):
        print(f"  {name:<18} {value}")
    forms = FormCatalog(PROJECT_ROOT / "forms")
    with (postgres_database if postgres else sqlite_database)() as database_url:
        started = time.perf_counter()
        tree = set_up(database_url, args.cases, forms)
        print(f"setup: {tree.cases:,} cases, {tree.tasks:,} tasks in {time.perf_counter() - started:.1f} s")
        engine = make_engine(database_url)
        factory = make_session_factory(engine)
        try:
            one_export(factory, forms, tree.city)  # warm-up: WeasyPrint imported, fonts loaded
            runs = [one_export(factory, forms, tree.city) for _ in range(args.repeat)]
        finally:
            engine.dispose()
    size_kb = len(runs[-1][3]) / 1024
    print(f"\nyearly report {PERIOD} of the city, {args.cases:,} cases, {args.backend}, {args.repeat} runs:")
    print(f"  {'step':<22}{'median ms':>11}{'max ms':>9}")
    columns = {"report (SQL)": [r[0] for r in runs], "PDF (WeasyPrint)": [r[1] for r in runs],
               "PDF CPU time": [r[2] for r in runs], "total": [r[0] + r[1] for r in runs]}  # fmt: skip
    for name, times in columns.items():
        print(f"  {name:<22}{statistics.median(times):>11.0f}{max(times):>9.0f}")
    total = statistics.median(columns["total"])
    verdict = "met" if total <= GOAL_MS else "NOT met"
    print(f"\nPDF size: {size_kb:.0f} KB; goal ≤ {GOAL_MS:.0f} ms: {verdict} (median total)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
