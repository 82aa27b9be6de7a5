"""Timers fired by running workers: fired/s and lag (fired_at − due) with 1 and 2 workers, and the start-up time.

Per backend (PostgreSQL with 1 and 2 workers, SQLite with one), on a fresh database (as ``bench_concurrency.py``):

* M + B one-timer cases of ``tests/fixtures/timer_only.bpmn`` are started, then their timers parked a year ahead;
  W long-running ``python -m api worker --batch-size 50`` processes are started and waited on until each has
  said it is running (start-up is not in these figures).
* steady: the M timers are re-planned to fall due one after the other at R per second, starting 1.5 s later.
  Lag per timer = its ``fired_at`` minus its ``fire_at``; the workers must keep up (goal p99 ≤ 1 s).
* burst: the B other timers are re-planned to fall due all at once 1.5 s later. fired/s = B / (last
  ``fired_at`` − due); the lags show how long the last ones queued.
* every timer must have exactly one ``timer_fired`` audit event, or the run fails.

``fired_at`` is the worker's clock when it starts firing a timer (inside the transaction that commits it).

Start-up: the wall time of ``python -m api worker --once`` with nothing due and with one timer due (then also the
time from its start to that timer's ``fired_at``), median of several runs (with the children's CPU time, which a
shared machine inflates less), and of the worker's imports alone (``python -c``).
With ``--baseline PATH`` the checkout at PATH (e.g. the branch point) runs the same rounds with its own workers
and the same start-up figures, in the same run on the same database, and the ratios are printed (so the baseline
must be at this tree's schema: a baseline with other migrations is refused with the two heads named). The workers'
CPU time per fired timer (their utime + stime from ``/proc`` over the two scenarios, idle polls included) is
printed per round.

Usage: ``python bench/bench_timers.py [--quick] [--steady M] [--rate R] [--burst B] [--workers 1,2]
[--baseline PATH]``
"""

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_concurrency import BenchError, World, service_env
from machine import cpu_model
from sqlalchemy import bindparam, select, update
from subprocesses import read_log, stop
from text_table import aligned_table
from throwaway_databases import postgres_database, postgres_version, sqlite_database

from engine.core.models import CaseTimer
from engine.core.settings import PROJECT_ROOT

PARKED = timedelta(days=365)
LEAD = timedelta(seconds=1.5)  # between planning timers and the first one falling due
WORKER_IMPORTS = "import api.cli, engine.cases.scheduler, engine.services"


@dataclass
class Round:
    """One scenario with W workers: how many timers, over how long, and their lags in seconds."""

    backend: str
    checkout: str
    workers: int
    scenario: str
    lags: list[float]
    span: float  # seconds from the first due time to the last fired_at
    cpu_ms: float = float("nan")  # the workers' CPU per fired timer over both scenarios of the round

    @property
    def rate(self) -> float:
        """Timers fired per second of the span."""
        return len(self.lags) / self.span if self.span > 0 else float("inf")

    def row(self) -> tuple[str, ...]:
        """A line of the result table."""
        lags = sorted(self.lags)
        p99 = lags[min(len(lags) - 1, int(0.99 * len(lags)))]
        return (
            self.backend, self.checkout, str(self.workers), self.scenario, str(len(lags)), f"{self.rate:.0f}",
            f"{statistics.median(lags) * 1000:.0f}", f"{p99 * 1000:.0f}", f"{lags[-1] * 1000:.0f}",
            f"{self.cpu_ms:.1f}",
        )  # fmt: skip


# ---- workers -----------------------------------------------------------------------------------------------


@contextmanager
def running_workers(database_url: str, count: int, logs: Path, root: Path) -> Iterator[list[int]]:
    """``count`` long-running workers of the checkout at ``root``, each waited on until it says it is running;
    yields their pids; always stopped."""
    command = [sys.executable, "-m", "api", "worker", "--batch-size", "50", "--interval", "5"]
    with ExitStack() as stack:
        started = []
        for index in range(count):
            log = logs / f"worker-{os.getpid()}-{time.monotonic_ns()}-{index}.log"
            out = stack.enter_context(log.open("w"))
            process = subprocess.Popen(
                command,
                cwd=root,
                env={**service_env(database_url), "PYTHONPATH": str(root)},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            stack.callback(stop, process)
            started.append((process, log))
        deadline = time.monotonic() + 120
        for process, log in started:
            while ": running" not in read_log(log):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"a worker did not start:\n{read_log(log)}")
                time.sleep(0.05)
        yield [process.pid for process, _ in started]
        dead = [log for process, log in started if process.poll() is not None]
        if dead:
            raise BenchError(f"a worker died during the round:\n{read_log(dead[0])}")


def startup_times(root: Path, world: World, runs: int) -> dict[str, float]:
    """Medians, run from ``root``: ``worker --once`` with nothing due, with one timer due (and the time from its
    start to that timer's ``fired_at``), and the worker's imports alone."""
    env = {**service_env(world.database_url), "PYTHONPATH": str(root)}

    def timed(command: list[str]) -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise BenchError(f"{' '.join(command)} failed in {root}:\n{result.stdout}{result.stderr}")
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    once = [sys.executable, "-m", "api", "worker", "--once"]
    timed(once)  # a fresh database's first pass starts the scheduled processes' instances: not start-up
    idle = [timed(once) for _ in range(runs)]
    due, first_fire = [], []
    for _ in range(runs):
        [timer_id] = parked_timers(world, 1)
        plan(world, {timer_id: datetime.now(UTC) - timedelta(seconds=1)})
        started = datetime.now(UTC)
        due.append(timed(once))
        fired = wait_fired(world, [timer_id], timeout=5)
        first_fire.append((fired[timer_id][1] - started).total_seconds())
    imports = [timed([sys.executable, "-c", WORKER_IMPORTS]) for _ in range(runs)]
    return {
        "once wall": statistics.median(w for w, _ in idle),
        "once CPU": statistics.median(c for _, c in idle),
        "due wall": statistics.median(w for w, _ in due),
        "due CPU": statistics.median(c for _, c in due),
        "first fire": statistics.median(first_fire),
        "imports wall": statistics.median(w for w, _ in imports),
        "imports CPU": statistics.median(c for _, c in imports),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the given running processes have used so far (``/proc/PID/stat``)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)
    return ticks / os.sysconf("SC_CLK_TCK")


# ---- timers ------------------------------------------------------------------------------------------------


def parked_timers(world: World, count: int) -> list[str]:
    """``count`` new one-timer cases whose timers are parked a year ahead; returns the timer ids."""
    before = world.timer_ids()
    world.start_cases("timer_only_demo", {}, count)
    new = sorted(world.timer_ids() - before)
    if len(new) != count:
        raise BenchError(f"expected {count} new timers, found {len(new)}")
    plan(world, dict.fromkeys(new, datetime.now(UTC) + PARKED))
    return new


def plan(world: World, schedule: dict[str, datetime]) -> None:
    """Set the given timers' due times (one executemany)."""
    statement = update(CaseTimer).where(CaseTimer.id == bindparam("timer_id")).values(fire_at=bindparam("due"))
    rows = [{"timer_id": timer_id, "due": due} for timer_id, due in schedule.items()]
    with world.engine.begin() as connection:
        connection.execute(statement, rows)


def wait_fired(world: World, timer_ids: list[str], timeout: float) -> dict[str, tuple[datetime, datetime]]:
    """Wait until every timer has fired; returns (fire_at, fired_at) per timer."""
    deadline = time.monotonic() + timeout
    while True:
        with world.factory() as session:
            query = select(CaseTimer.id, CaseTimer.fire_at, CaseTimer.fired_at).where(
                CaseTimer.id.in_(timer_ids), CaseTimer.fired_at.is_not(None)
            )
            fired = {timer_id: (due, at) for timer_id, due, at in session.execute(query)}
        if len(fired) == len(timer_ids):
            return fired
        if time.monotonic() > deadline:
            raise BenchError(f"{len(timer_ids) - len(fired)} of {len(timer_ids)} timers not fired within {timeout} s")
        time.sleep(0.2)


def run_round(
    world: World, label: tuple[str, str, int], pids: list[int], steady: list[str], burst: list[str], rate: float
) -> list:
    """The steady and the burst scenario with the running workers ``pids``; returns their two Rounds."""
    backend, checkout, workers = label
    rounds = []
    cpu_before = cpu_seconds(pids)
    start = datetime.now(UTC) + LEAD
    plan(world, {timer_id: start + timedelta(seconds=i / rate) for i, timer_id in enumerate(steady)})
    fired = wait_fired(world, steady, timeout=len(steady) / rate + 120)
    rounds.append(as_round(backend, checkout, workers, f"steady {rate:g}/s", fired, start))
    start = datetime.now(UTC) + LEAD
    plan(world, dict.fromkeys(burst, start))
    fired = wait_fired(world, burst, timeout=600)
    rounds.append(as_round(backend, checkout, workers, "burst", fired, start))
    per_timer = (cpu_seconds(pids) - cpu_before) * 1000 / (len(steady) + len(burst))
    for one in rounds:
        one.cpu_ms = per_timer
    return rounds


def as_round(backend: str, checkout: str, workers: int, scenario: str, fired: dict, start: datetime) -> Round:
    """Lags and span of one scenario."""
    lags = [(at - due).total_seconds() for due, at in fired.values()]
    span = (max(at for _, at in fired.values()) - start).total_seconds()
    return Round(backend, checkout, workers, scenario, lags, span)


def check_exactly_once(world: World, timer_ids: set[str]) -> None:
    """Every timer has exactly one ``timer_fired`` event, or BenchError."""
    counts = world.fire_counts()
    wrong = {timer_id: counts[timer_id] for timer_id in timer_ids if counts[timer_id] != 1}
    if wrong:
        raise BenchError(f"{len(wrong)} timers not fired exactly once, e.g. {next(iter(wrong.items()))}")


def bench_backend(backend: str, database_url: str, counts: list[int], args, logs: Path) -> tuple[list[Round], dict]:
    """Per worker count: fresh timers, running workers, the two scenarios; then the start-up times."""
    world = World(database_url)
    rounds: list[Round] = []
    try:
        startup = {"ours": startup_times(PROJECT_ROOT, world, args.runs)}
        if args.baseline:
            startup["baseline"] = startup_times(args.baseline, world, args.runs)
        checkouts = [("ours", PROJECT_ROOT)] + ([("baseline", args.baseline)] if args.baseline else [])
        for workers in counts:
            for checkout, root in checkouts:
                timer_ids = parked_timers(world, args.steady + args.burst)
                steady, burst = timer_ids[: args.steady], timer_ids[args.steady :]
                with running_workers(database_url, workers, logs, root) as pids:
                    done = run_round(world, (backend, checkout, workers), pids, steady, burst, args.rate)
                check_exactly_once(world, set(timer_ids))
                for one in done:
                    print("  " + "  ".join(one.row()), flush=True)
                rounds += done
    finally:
        world.close()
    return rounds, startup


# ---- report ------------------------------------------------------------------------------------------------


def _versus(key: str, figures: dict[str, float], base: dict[str, float] | None, root: str) -> str:
    return f"{figures[key] / base[key]:.2f}×" if base and root == "ours" else "-"


def versus_baseline(rounds: list[Round]) -> list[tuple[str, ...]]:
    """The rounds' rows, ours with fired/s over the baseline's in the same round (same backend, workers, scenario)."""
    base = {(r.backend, r.workers, r.scenario): r for r in rounds if r.checkout == "baseline"}
    rows = []
    for one in rounds:
        other = base.get((one.backend, one.workers, one.scenario))
        ratio = f"{one.rate / other.rate:.2f}×" if other is not None and one.checkout == "ours" else "-"
        rows.append((*one.row(), ratio))
    return rows


def print_startup(startups: dict[str, dict[str, dict[str, float]]]) -> None:
    """Start-up table: per backend and checkout, `worker --once` idle and with a timer due, and the imports."""
    header = ("backend", "checkout", "--once idle", "CPU", "vs base", "--once 1 due", "CPU", "to 1st fire",
              "vs base", "imports", "CPU")  # fmt: skip
    lines = [header]
    for backend, by_root in startups.items():
        base = by_root.get("baseline")
        for root, f in by_root.items():
            lines.append(
                (
                    backend, root, f"{f['once wall']:.2f} s", f"{f['once CPU']:.2f} s",
                    _versus("once CPU", f, base, root),
                    f"{f['due wall']:.2f} s", f"{f['due CPU']:.2f} s", f"{f['first fire']:.2f} s",
                    _versus("first fire", f, base, root), f"{f['imports wall']:.2f} s", f"{f['imports CPU']:.2f} s",
                )
            )  # fmt: skip
    print(aligned_table(lines, numeric=set(range(2, 11))))
    print("vs base: our --once idle CPU and our time to the first fired timer over the baseline's, same run.")


def schema_head(root: Path) -> str:
    """The newest migration of a checkout (the baseline shares this tree's database, so it must read that schema)."""
    versions = (root / "engine" / "core" / "migrations" / "versions").glob("[0-9]*.py")
    return max((path.name.split("_")[0] for path in versions), default="none")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 steady timers at 100/s, a burst of 300, 3 runs")
    parser.add_argument("--steady", type=int, help="timers due at a steady rate (default 1500, --quick 300)")
    parser.add_argument("--rate", type=float, help="their rate per second (default 100, --quick 100)")
    parser.add_argument("--burst", type=int, help="timers due all at once (default 1000, --quick 300)")
    parser.add_argument("--workers", default="1,2", help="PostgreSQL worker counts (default 1,2)")
    parser.add_argument("--runs", type=int, help="start-up runs to take the median of (default 5, --quick 3)")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside (rounds, start-up)")
    parser.add_argument("--backend", choices=("all", "postgresql", "sqlite"), default="all")
    args = parser.parse_args()
    args.steady = args.steady or (300 if args.quick else 1500)
    args.rate = args.rate or 100.0
    args.burst = args.burst or (300 if args.quick else 1000)
    args.runs = args.runs or (3 if args.quick else 5)
    counts = [int(part) for part in args.workers.split(",")]
    if args.baseline and schema_head(args.baseline) != schema_head(PROJECT_ROOT):
        parser.error(
            f"--baseline {args.baseline} is at schema {schema_head(args.baseline)} and this tree at "
            f"{schema_head(PROJECT_ROOT)}: its workers cannot share this tree's database (measure each tree on its "
            "own, one after the other)"
        )

    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"Python {platform.python_version()}; PostgreSQL {postgres_version()}")
    print(f"workload: {args.steady} timers at {args.rate:g}/s, then a burst of {args.burst}; workers --batch-size 50")
    print()
    rounds: list[Round] = []
    startups: dict[str, dict[str, dict[str, float]]] = {}
    backends = []
    if args.backend in ("all", "postgresql"):
        backends.append(("PostgreSQL", postgres_database, counts))
    if args.backend in ("all", "sqlite"):
        backends.append(("SQLite", sqlite_database, [1]))
    with tempfile.TemporaryDirectory(prefix="phananh_bench_timers_") as folder:
        try:
            for backend, database, worker_counts in backends:
                with database() as url:
                    done, startups[backend] = bench_backend(backend, url, worker_counts, args, Path(folder))
                    rounds += done
        except BenchError as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    print()
    header = ("backend", "checkout", "workers", "scenario", "timers", "fired/s", "lag p50 ms", "p99 ms", "max ms",
              "CPU ms/timer", "vs base")  # fmt: skip
    print(aligned_table([header, *versus_baseline(rounds)], numeric=set(range(2, 11)) - {3}))
    print()
    print_startup(startups)
    print()
    print("steady: fired/s is bounded by the planned rate; the lags tell whether the workers kept up.")
    print("burst: fired/s = timers / (last fired_at − due time); every timer fired exactly once in every round.")
    print("CPU ms/timer: the workers' CPU over both scenarios / timers fired; vs base: fired/s over the baseline's.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
