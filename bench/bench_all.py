"""Every figure of the performance table in one run: runs the benchmarks one after another and prints their tables.

Each benchmark measures its own baseline in the same run (bare FastAPI, raw SpiffWorkflow, the old report path,
pruning off, ...); this script only runs them in turn on one machine and ends with a table of what ran, how long it
took and whether it succeeded.

    .venv/bin/python bench/bench_all.py            # quick sizes (~10–15 min on 2 cores)
    .venv/bin/python bench/bench_all.py --full     # the sizes of the table (100,000 cases, 10,000 completions)
    .venv/bin/python bench/bench_all.py --only bench_http.py,bench_engine.py
"""

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from machine import cpu_model  # noqa: E402
from text_table import aligned_table  # noqa: E402


@dataclass(frozen=True)
class Bench:
    """One benchmark script, the rows of the table it answers, and its arguments at quick and full size."""

    script: str
    answers: str
    quick: tuple[str, ...]
    full: tuple[str, ...] = ()


BENCHES = (
    Bench("bench_http.py", "healthz ÷ bare FastAPI; completions/s (SQLite, PostgreSQL ×1 ×2); memory", ("--quick",)),
    Bench("bench_engine.py", "our completion ÷ raw SpiffWorkflow", ("--quick",)),
    Bench("bench_long_case.py", "completion at step 200 ÷ step 10; state size", ("--quick",)),
    Bench("bench_timers.py", "timers fired/s and lag; worker --once start-up", ("--quick",)),
    Bench("bench_reports.py", "yearly city report at 100,000 cases", ("--quick",), ("--cases", "100000")),
    Bench("bench_inbox.py", "inbox p95 at 100,000 cases, with EXPLAIN", ("--quick",), ("--cases", "100000")),
)


def run(bench: Bench, *, full: bool) -> tuple[int, float]:
    """Run one benchmark with its output streamed to ours; its exit status and duration in seconds."""
    arguments = bench.full if full else bench.quick
    print(f"\n=== {bench.script} {' '.join(arguments)} — {bench.answers}", flush=True)
    started = time.perf_counter()
    status = subprocess.call([sys.executable, str(BENCH / bench.script), *arguments], cwd=BENCH.parent)
    return status, time.perf_counter() - started


def main() -> int:
    """Run the chosen benchmarks; exit 1 when any of them failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the table's sizes instead of the quick ones")
    parser.add_argument("--only", default="", help="comma-separated script names to run (default: all)")
    options = parser.parse_args()
    chosen = {name.strip() for name in options.only.split(",") if name.strip()}
    unknown = chosen - {bench.script for bench in BENCHES}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    print(f"CPU {cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    rows = []
    for bench in BENCHES:
        if chosen and bench.script not in chosen:
            continue
        status, seconds = run(bench, full=options.full)
        rows.append((bench.script, bench.answers, f"{seconds:,.0f} s", "ok" if status == 0 else f"failed ({status})"))
    print()
    print(aligned_table([("benchmark", "answers", "took", "result"), *rows], numeric={2}))
    return 0 if all(row[3] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
