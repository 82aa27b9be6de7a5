"""PDF export time of the yearly report at 10,000 cases (goal: ≤ 1 s p95 from the request's data to the PDF bytes).

Setup (untimed): the fixture of ``bench_reports.py`` (a fresh database, ``processes/`` deployed, 1 city,
4 districts, 5 wards each, N report_1374 cases and their tasks bulk-inserted, ANALYZE). The report fonts are
registered (``warm_up_pdf``, as the web process does at start-up) and one PDF is made before timing.

Measured, each ``--repeat`` times, each in a fresh session: ``build_summary`` of the whole city for the year 2026
(with the previous year), then ``summary_to_pdf`` of it. Printed: a table of the build, the render and their total,
p50 and p95 of the wall clock and of the CPU time (``time.process_time``, which other programs on a shared machine
slow down less than the wall clock), and the size of the PDF.

Usage: ``python bench/bench_report_pdf.py [--cases N] [--repeat R] [--backend sqlite|postgresql]``
"""

import argparse
import sys
import time

from bench_reports import NOW, ZONE, machine_facts, set_up
from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

import engine.services  # noqa: F401  (registers the service operators the processes call)
from engine.core.db import make_engine, make_session_factory
from engine.core.settings import PROJECT_ROOT
from engine.processes.forms import FormCatalog
from engine.reports.pdf import summary_to_pdf, warm_up_pdf
from engine.reports.periods import parse_period
from engine.reports.summary import build_summary

GOAL_MS = 1000.0
PERIOD = "2026"


def one_export(factory, forms: FormCatalog, unit_id: int) -> tuple[dict[str, float], bytes]:
    """Build the yearly report and print it: wall and CPU ms of each step, and the PDF."""
    wall, cpu = time.perf_counter(), time.process_time()
    with factory() as session:
        summary = build_summary(session, forms, unit_id=unit_id, period=parse_period(PERIOD), zone=ZONE, now=NOW)
    built_wall, built_cpu = time.perf_counter(), time.process_time()
    pdf = summary_to_pdf(summary)
    end_wall, end_cpu = time.perf_counter(), time.process_time()
    times = {
        "build wall": built_wall - wall, "build CPU": built_cpu - cpu,
        "render wall": end_wall - built_wall, "render CPU": end_cpu - built_cpu,
        "total wall": end_wall - wall, "total CPU": end_cpu - cpu,
    }  # fmt: skip
    return {name: seconds * 1000 for name, seconds in times.items()}, pdf


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="cases in the unit tree (default 10000)")
    parser.add_argument("--repeat", type=int, default=10, help="timed exports (default 10)")
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
            started = time.perf_counter()
            warm_up_pdf()
            print(f"report fonts loaded in {(time.perf_counter() - started) * 1000:.0f} ms (at start-up, untimed)")
            one_export(factory, forms, tree.city)  # warm-up: the first PDF of the process
            runs = [one_export(factory, forms, tree.city) for _ in range(args.repeat)]
        finally:
            engine.dispose()
    print(f"\nyearly report {PERIOD} of the city, {args.cases:,} cases, {args.backend}, {args.repeat} runs (ms):")
    lines = [["step", "p50 wall", "p95 wall", "p50 CPU", "p95 CPU"]]
    for step in ("build", "render", "total"):
        walls = [times[f"{step} wall"] for times, _ in runs]
        cpus = [times[f"{step} CPU"] for times, _ in runs]
        cells = [percentile(walls, 0.5), percentile(walls, 0.95), percentile(cpus, 0.5), percentile(cpus, 0.95)]
        lines.append([step, *(f"{cell:.0f}" for cell in cells)])
    print(aligned_table(lines, numeric={1, 2, 3, 4}))
    p95 = percentile([times["total wall"] for times, _ in runs], 0.95)
    p95_cpu = percentile([times["total CPU"] for times, _ in runs], 0.95)
    verdict = "met" if p95 <= GOAL_MS else "met in CPU time only" if p95_cpu <= GOAL_MS else "NOT met"
    print(f"\nPDF size: {len(runs[-1][1]) / 1024:.0f} KB; goal p95 total ≤ {GOAL_MS:.0f} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
