"""Cost of the report counters per case action: a task completion with and without ``recount_case``.

Uses the cases, scenarios and raw SpiffWorkflow baseline of ``bench_engine.py`` (a temporary SQLite database, the
report_1374 process, ``CaseRuntime.complete_task`` in its own transaction). For each scenario and case index, two
cases are prepared alike (a task completes once) and the step is done three ways, in an order rotating by index so
that noise hits them alike: ``ours`` (the engine as shipped: the ``after_case_saved`` hook runs
``recount_case``), ``ours without counters`` (that one hook taken out of the registry for the call) and the raw
SpiffWorkflow round trip. The time spent inside ``recount_case`` is also collected (wall and CPU, by wrapping the
hook). Ratios are medians over the raw median of the same run.

Usage: ``python bench/bench_counter_cost.py [--cases N] [--quick]``
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench_engine import SCENARIOS, WARMUP, Bench
from machine import cpu_model
from text_table import aligned_table

from engine.cases.hooks import HOOKS
from engine.reports import hooks as report_hooks

WAYS = ("ours", "ours without counters", "raw SpiffWorkflow")


def _without_counters(op: Callable[[], int]) -> int:
    """Run ``op`` with the counters' hook unregistered."""
    observers = HOOKS.save_observers
    index = observers.index(report_hooks.keep_report_counters)
    observers.pop(index)
    try:
        return op()
    finally:
        observers.insert(index, report_hooks.keep_report_counters)


class RecountTimer:
    """Wraps the counters' hook to collect the wall and CPU ns of each call."""

    def __init__(self) -> None:
        self.wall_ns: list[int] = []
        self.cpu_ns: list[int] = []
        self.original = report_hooks.keep_report_counters

    def __call__(self, saved) -> None:
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        self.original(saved)
        self.wall_ns.append(time.perf_counter_ns() - wall)
        self.cpu_ns.append(time.process_time_ns() - cpu)

    def install(self) -> None:
        observers = HOOKS.save_observers
        observers[observers.index(self.original)] = self
        report_hooks.keep_report_counters = self  # type: ignore[assignment]


def run(bench: Bench, cases: int, timer: RecountTimer) -> list[tuple]:
    rows = []
    for scenario in SCENARIOS:
        spec_name, username, data = scenario.step
        actor = bench.actors[username]
        prepared = [(bench.prepare(scenario, 2 * i), bench.prepare(scenario, 2 * i + 1)) for i in range(WARMUP + cases)]
        times: dict[str, list[int]] = {way: [] for way in WAYS}
        timer.wall_ns.clear(), timer.cpu_ns.clear()
        for i, (item, twin) in enumerate(prepared):  # a case can be completed once: its twin goes without counters
            ops: dict[str, Callable[[], int]] = {
                "ours": partial(bench.ours, item, actor, dict(data)),
                "ours without counters": partial(_without_counters, partial(bench.ours, twin, actor, dict(data))),
                "raw SpiffWorkflow": partial(bench.raw, item, spec_name, dict(data)),
            }
            order = WAYS[i % 3 :] + WAYS[: i % 3]
            for way in order:
                elapsed = ops[way]()
                if i >= WARMUP:
                    times[way].append(elapsed)
        raw = statistics.median(times["raw SpiffWorkflow"]) / 1e6
        for way in WAYS:
            median = statistics.median(times[way]) / 1e6
            rows.append((scenario.label, way, str(len(times[way])), f"{median:.2f}", f"{median / raw:.2f}"))
        wall = statistics.median(timer.wall_ns[WARMUP:]) / 1e6
        cpu = statistics.median(timer.cpu_ns[WARMUP:]) / 1e6
        rows.append((scenario.label, "recount_case alone (wall / CPU)", str(len(timer.wall_ns) - WARMUP),
                     f"{wall:.3f} / {cpu:.3f}", f"{wall / raw:.3f}"))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="measured cases per scenario (default 200)")
    parser.add_argument("--quick", action="store_true", help="30 cases per scenario")
    args = parser.parse_args(argv)
    cases = 30 if args.quick else args.cases
    timer = RecountTimer()
    timer.install()
    with tempfile.TemporaryDirectory(prefix="phananh-bench-") as workdir:
        bench = Bench(Path(workdir))
        try:
            rows = run(bench, cases, timer)
        finally:
            bench.engine.dispose()
    print(f"CPU: {cpu_model()}; completions per way and scenario: {cases} (after {WARMUP} warm-ups)\n")
    header = ("scenario", "way", "n", "median ms", "÷ raw median")
    print(aligned_table([header, *rows], numeric={2, 3, 4}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
