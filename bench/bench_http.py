"""The HTTP layer's overhead: real ``phananh serve`` processes next to a bare FastAPI app on the same uvicorn.

One run, one table (issue 18, rows 1–3 and the memory row):

* ``GET /healthz`` req/s of a bare FastAPI app (bench/bare_app.py, served with ``phananh serve``'s uvicorn options)
  and of ``phananh serve`` on SQLite, and their ratio: 4 client threads, each with its own kept-alive
  ``httpx.Client``. The servers run side by side and are measured in alternating one-second slices, so that load
  from elsewhere on the machine falls on all of them alike.
* task completions over HTTP on SQLite (one ``phananh serve``): fresh report_1374 cases, each with a READY
  ``screen_report`` task (its completion issues no document); ``POST /api/tasks/{id}/complete`` from 4 client
  threads; completions/s = tasks / wall time, p50/p95 of the client's latency; and completions/s ÷ bare req/s.
* the same on PostgreSQL with 1 and 2 web processes (``serve --workers K``, 4×K client threads).
* the SQLite server's resident memory (VmRSS) after W untimed warm-up completions and after the N timed ones.
* for every row, the server's CPU time per request (user + system of the server's processes, from /proc): unlike
  req/s, it hardly depends on what else runs on the machine.

``--baseline-dir DIR`` (an unchanged checkout, e.g. ``git archive main | tar -x -C DIR``) also serves that tree's
``phananh serve`` in the same run, alternating with this tree's in chunks of tasks, and adds the ratios;
``--baseline-python PATH`` serves it with another interpreter (a venv with the baseline's own dependencies: this
one's uvloop and httptools would otherwise speed the baseline too, uvicorn picking them up by itself).

Servers run with their default settings (the timer scheduler included), except the database URL and secret key.
Every response must be 200 and every task must be completed afterwards, or the run fails (exit 1).

Usage: ``python bench/bench_http.py [--quick] [--cases N] [--pg-cases N] [--seconds S] [--no-postgres]
[--baseline-dir DIR [--baseline-python PATH]]``
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bench_concurrency import SCREEN_IN, SECRET_KEY, BenchError, World, machine_facts, sign_in
from machine import cpu_model
from subprocesses import ServerDidNotStart, free_port, read_log, stop, wait_healthy
from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

from engine.core.settings import PROJECT_ROOT

BENCH_DIR = Path(__file__).resolve().parent
CLIENT_THREADS = 4
CHUNK = 50  # completions per turn when two trees alternate
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Tally:
    """Requests answered by one server in its timed turns, with the wall time and server CPU time they took."""

    count: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.count

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def add(self, count: int, seconds: float, cpu_seconds: float, latencies: list[float]) -> None:
        self.count += count
        self.seconds += seconds
        self.cpu_seconds += cpu_seconds
        self.latencies_ms += latencies


@dataclass
class Server:
    """A running server: its base URL and main process id."""

    name: str
    base: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process and its children (uvicorn's worker processes)."""
        return sum(_cpu_of(pid) for pid in [self.pid, *_children(self.pid)])


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# ---- servers -----------------------------------------------------------------------------------------------


def server_env(tree: Path, database_url: str) -> dict[str, str]:
    """The environment of a ``phananh serve`` of ``tree`` on the bench database (default settings otherwise)."""
    return {
        **os.environ,
        "PYTHONPATH": str(tree),
        "PHANANH_DATABASE_URL": database_url,
        "PHANANH_SECRET_KEY": SECRET_KEY,
    }


@contextmanager
def server(name: str, command: list[str], tree: Path, env: dict[str, str], logs: Path) -> Iterator[Server]:
    """A server process started with ``command`` plus a free port as last argument; stopped afterwards."""
    port = free_port()
    log = logs / f"{name.replace(' ', '_')}-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen([*command, str(port)], cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_healthy(base, process, log)
            yield Server(name, base, process.pid)
        finally:
            stop(process)
    if process.returncode not in (0, -15):
        print(f"  note: {name} exited with {process.returncode}: {read_log(log)[-300:]}", flush=True)


def bare_server(logs: Path):
    """The bare FastAPI baseline."""
    command = [sys.executable, str(BENCH_DIR / "bare_app.py")]
    return server("bare FastAPI", command, PROJECT_ROOT, server_env(PROJECT_ROOT, ""), logs)


def app_servers(
    trees: dict[str, Path], database_url: str, workers: int, logs: Path, stack: ExitStack, args
) -> list[Server]:
    """``phananh serve --workers K`` of each tree on the database; the baseline with ``--baseline-python`` if given."""
    pythons = {"baseline": str(args.baseline_python)} if args.baseline_python else {}
    arguments = ["-m", "api", "serve", "--workers", str(workers), "--port"]
    return [
        stack.enter_context(
            server(name, [pythons.get(name, sys.executable), *arguments], tree, server_env(tree, database_url), logs)
        )
        for name, tree in trees.items()
    ]


def rss_mb(pid: int) -> float:
    """The process's resident memory in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for process {pid}")


# ---- load --------------------------------------------------------------------------------------------------


def hammer(target: Server, clients: list[httpx.Client], seconds: float, tally: Tally) -> None:
    """GET /healthz from one thread per kept-alive client for ``seconds``."""
    statuses: Counter = Counter()
    latencies: list[list[float]] = [[] for _ in clients]
    stop_at = time.perf_counter() + seconds

    def client(index: int) -> None:
        http, mine = clients[index], latencies[index]
        while (sent := time.perf_counter()) < stop_at:
            statuses[http.get(f"{target.base}/healthz").status_code] += 1
            mine.append((time.perf_counter() - sent) * 1000)

    cpu, start = target.cpu_seconds(), time.perf_counter()
    workers = [threading.Thread(target=client, args=(index,)) for index in range(len(clients))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    if set(statuses) != {200}:
        raise BenchError(f"/healthz of {target.name} answered {dict(statuses)}")
    flat = [ms for mine in latencies for ms in mine]
    tally.add(len(flat), elapsed, target.cpu_seconds() - cpu, flat)


def healthz_rounds(targets: list[Server], seconds: float) -> dict[str, Tally]:
    """Alternating one-second slices of /healthz load on each server, ``seconds`` in all per server."""
    tallies = {target.name: Tally() for target in targets}
    with ExitStack() as stack:
        clients = [stack.enter_context(httpx.Client(timeout=60)) for _ in range(CLIENT_THREADS)]
        for target in targets:  # untimed: connections opened, first requests served
            hammer(target, clients, 0.5, Tally())
        for _ in range(max(1, round(seconds))):
            for target in targets:
                hammer(target, clients, seconds / max(1, round(seconds)), tallies[target.name])
    return tallies


def complete_tasks(target: Server, headers: dict[str, str], task_ids: list[str], threads: int, tally: Tally) -> None:
    """Complete every task once with ``POST /api/tasks/{id}/complete`` from ``threads`` kept-alive clients."""
    local = threading.local()
    clients: list[httpx.Client] = []

    def complete(task_id: str) -> tuple[int, float, str]:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=target.base, timeout=120, headers=headers)
            clients.append(local.client)
        sent = time.perf_counter()
        try:
            response = local.client.post(f"/api/tasks/{task_id}/complete", json={"data": SCREEN_IN})
        except httpx.TransportError as exc:
            return 0, 0.0, repr(exc)
        elapsed_ms = (time.perf_counter() - sent) * 1000
        return response.status_code, elapsed_ms, response.text if response.status_code != 200 else ""

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            cpu, start = target.cpu_seconds(), time.perf_counter()
            results = list(pool.map(complete, task_ids))
            elapsed = time.perf_counter() - start
            cpu = target.cpu_seconds() - cpu
    finally:
        for client in clients:
            client.close()
    bad = [(status, text) for status, _, text in results if status != 200]
    if bad:
        statuses = Counter(status for status, _ in bad)
        raise BenchError(f"{target.name}: {len(bad)} non-200 completions {dict(statuses)}; first: {bad[0][1][:500]}")
    tally.add(len(results), elapsed, cpu, [ms for _, ms, _ in results])


def alternate_completions(
    targets: list[Server], headers: list[dict[str, str]], tasks: list[str], threads: int
) -> dict[str, Tally]:
    """The tasks shared out to the servers in turns of ``CHUNK`` (all of them to a single server)."""
    tallies = {target.name: Tally() for target in targets}
    for turn, first in enumerate(range(0, len(tasks), CHUNK)):
        index = turn % len(targets)
        complete_tasks(
            targets[index], headers[index], tasks[first : first + CHUNK], threads, tallies[targets[index].name]
        )
    return tallies


# ---- measurements ------------------------------------------------------------------------------------------


@dataclass
class Results:
    """Everything the table shows, by tree name."""

    bare: Tally | None = None
    healthz: dict[str, Tally] = field(default_factory=dict)
    sqlite: dict[str, Tally] = field(default_factory=dict)
    postgres: dict[int, dict[str, Tally]] = field(default_factory=dict)
    rss: dict[str, tuple[float, float]] = field(default_factory=dict)


def measure_sqlite(results: Results, trees: dict[str, Path], args, logs: Path) -> None:
    """healthz (next to the bare app), completions and memory of ``phananh serve`` on a fresh SQLite file."""
    with sqlite_database() as url, ExitStack() as stack:
        world = World(url)
        stack.callback(world.close)
        started = time.perf_counter()
        tasks = world.screening_tasks(len(trees) * (args.warmup + args.cases))
        print(f"  SQLite: {len(tasks)} tasks seeded in {time.perf_counter() - started:.1f} s", flush=True)
        servers = app_servers(trees, url, 1, logs, stack, args)
        with bare_server(logs) as bare:
            results.healthz = healthz_rounds([bare, *servers], args.seconds)
        results.bare = results.healthz.pop(bare.name)
        headers = [sign_in(target.base, "officer1") for target in servers]
        warm_count = len(trees) * args.warmup
        warm, timed = tasks[:warm_count], tasks[warm_count:]
        alternate_completions(servers, headers, warm, CLIENT_THREADS)
        warm_rss = {target.name: rss_mb(target.pid) for target in servers}
        results.sqlite = alternate_completions(servers, headers, timed, CLIENT_THREADS)
        results.rss = {target.name: (warm_rss[target.name], rss_mb(target.pid)) for target in servers}
        if left := world.ready_count(tasks):
            raise BenchError(f"{left} tasks are still ready after 200 responses")
    for name, tally in results.sqlite.items():
        print(f"  SQLite completions, {name}: {describe(tally)}", flush=True)


def measure_postgres(results: Results, trees: dict[str, Path], args, logs: Path) -> None:
    """Completions through ``phananh serve`` with 1 and 2 web processes on a fresh PostgreSQL database."""
    with postgres_database("phananh_bench_http") as url:
        world = World(url)
        try:
            for workers in (1, 2):
                threads = workers * CLIENT_THREADS
                tasks = world.screening_tasks(len(trees) * (args.pg_cases + threads))
                warm, timed = tasks[: len(trees) * threads], tasks[len(trees) * threads :]
                with ExitStack() as stack:
                    servers = app_servers(trees, url, workers, logs, stack, args)
                    headers = [sign_in(target.base, "officer1") for target in servers]
                    for index, target in enumerate(servers):
                        complete_tasks(
                            target, headers[index], warm[index * threads : (index + 1) * threads], threads, Tally()
                        )
                    results.postgres[workers] = alternate_completions(servers, headers, timed, threads)
                for name, tally in results.postgres[workers].items():
                    print(f"  PostgreSQL ×{workers} completions, {name}: {describe(tally)}", flush=True)
                if left := world.ready_count(tasks):
                    raise BenchError(f"{left} tasks are still ready after 200 responses")
        finally:
            world.close()


def describe(tally: Tally) -> str:
    return f"{tally.count} in {tally.seconds:.2f} s = {tally.per_second:.1f}/s, server CPU {tally.cpu_ms:.2f} ms/req"


# ---- report ------------------------------------------------------------------------------------------------


def table(results: Results, names: list[str], args) -> str:
    """The one result table: a column pair per tree, and the ratio this tree ÷ baseline when there is one."""
    header = ["figure"]
    for name in names:
        header += [f"{name}", "p50 ms", "p95 ms", "CPU ms/req"]
    if len(names) == 2:
        header.append(f"{names[0]} ÷ {names[1]}")
    lines = [tuple(header)]
    width = 4 * len(names) + (1 if len(names) == 2 else 0)

    def row(figure: str, tallies: dict[str, Tally | None], value=lambda t: t.per_second, digits: int = 1) -> None:
        cells, values = [figure], []
        for name in names:
            tally = tallies.get(name)
            if tally is None:
                cells += ["-"] * 4
                values.append(None)
                continue
            values.append(value(tally))
            cells += [
                f"{value(tally):.{digits}f}",
                f"{tally.percentile(0.5):.1f}" if tally.latencies_ms else "",
                f"{tally.percentile(0.95):.1f}" if tally.latencies_ms else "",
                f"{tally.cpu_ms:.2f}" if tally.count else "",
            ]
        if len(names) == 2:
            cells.append(f"{values[0] / values[1]:.2f}×" if values[0] and values[1] else "-")
        lines.append(tuple(cells))

    def plain(figure: str, values: list[str], first: tuple[str, str, str] = ("", "", "")) -> None:
        cells = [figure]
        for index, value in enumerate(values):
            cells += [value, *(first if index == 0 else ("", "", ""))]
        lines.append(tuple(cells + ([""] if len(names) == 2 else [])))

    bare = results.bare
    if bare:
        latency = (f"{bare.percentile(0.5):.1f}", f"{bare.percentile(0.95):.1f}", f"{bare.cpu_ms:.2f}")
        plain("healthz bare FastAPI req/s", [f"{bare.per_second:.1f}"] + ["(same)"] * (len(names) - 1), latency)
    row("healthz app req/s", results.healthz)
    if bare:
        ratios = [f"{results.healthz[name].per_second / bare.per_second:.2f}" for name in names]
        plain("healthz app ÷ bare (goal ≥ 0.6)", ratios)
        by_cpu = [f"{bare.cpu_ms / results.healthz[name].cpu_ms:.2f}" for name in names]
        plain("  the same by server CPU ms/req", by_cpu)
    row("completions/s SQLite ×1", results.sqlite)
    if bare and results.sqlite:
        ratio = [f"{results.sqlite[name].per_second / bare.per_second:.3f}" for name in names]
        plain("completions ÷ bare req/s (goal ≥ 0.15)", ratio)
    for workers, tallies in results.postgres.items():
        row(f"completions/s PostgreSQL ×{workers}", tallies)
    if results.rss:
        plain(f"RSS MB after {args.warmup} warm-up completions", [f"{results.rss[n][0]:.1f}" for n in names])
        done = next(iter(results.sqlite.values())).count
        plain(f"RSS MB after {done} more", [f"{results.rss[n][1]:.1f}" for n in names])
        growth = [f"{100 * (results.rss[n][1] / results.rss[n][0] - 1):.1f}" for n in names]
        plain("RSS growth % (goal < 10)", growth)
    assert all(len(line) == width + 1 for line in lines)
    return aligned_table(lines, numeric=set(range(1, width + 1)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="400 SQLite and 200 PostgreSQL tasks, 3 s of healthz")
    parser.add_argument("--cases", type=int, help="timed SQLite completions per tree (default 10,000, --quick 400)")
    parser.add_argument("--warmup", type=int, help="untimed SQLite completions before (default 500, --quick 100)")
    parser.add_argument("--pg-cases", type=int, help="PostgreSQL completions per round (default 2000, --quick 200)")
    parser.add_argument("--seconds", type=float, help="healthz time per server (default 10, --quick 3)")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL rows")
    parser.add_argument("--baseline-dir", type=Path, help="also measure the `phananh serve` of this checkout")
    parser.add_argument(
        "--baseline-python", type=Path, help="the baseline's interpreter, e.g. a venv with its own dependencies"
    )
    args = parser.parse_args()
    args.cases = args.cases or (400 if args.quick else 10_000)
    args.warmup = args.warmup or (100 if args.quick else 500)
    args.pg_cases = args.pg_cases or (200 if args.quick else 2000)
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    trees = {"this tree": PROJECT_ROOT}
    if args.baseline_dir:
        trees["baseline"] = args.baseline_dir.resolve()

    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    facts = [("CPU", cpu_model()), *machine_facts(), ("load average (1, 5, 15 min)", load)]
    width = max(len(name) for name, _ in facts)
    for name, value in facts:
        print(f"{name.ljust(width)}  {value}")
    print(flush=True)

    results = Results()
    with tempfile.TemporaryDirectory(prefix="phananh_bench_http_") as folder:
        logs = Path(folder)
        try:
            measure_sqlite(results, trees, args, logs)
            if not args.no_postgres:
                measure_postgres(results, trees, args, logs)
        except (BenchError, ServerDidNotStart) as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    print()
    print(table(results, list(trees), args))
    print()
    print(f"every response was 200; {CLIENT_THREADS} client threads per server process, kept-alive connections;")
    print("p50/p95: the client's wall time per request; CPU ms/req: the server processes' user+system time per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
