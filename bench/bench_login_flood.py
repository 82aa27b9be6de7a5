"""`/healthz` while a flood of wrong sign-ins hits the server: password hashing must not starve other requests.

One `phananh serve` process on a fresh SQLite file (migrated, demo loaded). First `/healthz` alone (the baseline),
then the same `/healthz` loop while F client threads post wrong passwords to `POST /api/auth/token` as fast as they
can. Two floods: with the default sign-in throttle (most attempts refused with 429 before any hashing), and with
the throttle lifted (every attempt hashes a password: the worst case, limited only by hashing one at a time). The
table gives /healthz p50/p95/max and the sign-in attempts answered per second.

    .venv/bin/python bench/bench_login_flood.py             # 16 flooding threads, 300 health checks
    .venv/bin/python bench/bench_login_flood.py --quick     # 8 threads, 100 health checks
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from subprocesses import free_port, stop, wait_healthy
from text_table import aligned_table

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def server(database: Path, **settings: str) -> Iterator[str]:
    """`phananh serve` on the database, with extra PHANANH_* settings; yields its base URL."""
    port = free_port()
    env = {**os.environ, "PHANANH_DATABASE_URL": f"sqlite:///{database}", "PHANANH_SCHEDULER_ENABLED": "false",
           **settings}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        stop(process)


def health_latencies(base: str, count: int) -> list[float]:
    """Milliseconds of ``count`` sequential /healthz requests on one kept-alive connection."""
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(count):
            started = time.perf_counter()
            client.get("/healthz").raise_for_status()
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def flood(base: str, threads: int, stop_flag: threading.Event, answers: Counter) -> list[threading.Thread]:
    """Threads posting wrong passwords for rotating usernames until ``stop_flag`` is set."""
    lock = threading.Lock()

    def run(index: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            attempt = 0
            while not stop_flag.is_set():
                attempt += 1
                data = {"username": f"nobody{index}-{attempt}", "password": "wrong"}
                status = client.post("/api/auth/token", data=data).status_code
                with lock:
                    answers[status] += 1

    started = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for thread in started:
        thread.start()
    return started


def row(label: str, latencies: list[float], answers: Counter | None, seconds: float) -> list[str]:
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    attempts = sum(answers.values()) if answers else 0
    mix = ", ".join(f"{status}×{n}" for status, n in sorted(answers.items())) if answers else "—"
    rate = f"{attempts / seconds:.0f}" if answers else "—"
    return [label, f"{statistics.median(ordered):.1f}", f"{p95:.1f}", f"{ordered[-1]:.1f}", rate, mix]


def measure(base: str, threads: int, checks: int, label: str) -> list[str]:
    stop_flag, answers = threading.Event(), Counter()
    workers = flood(base, threads, stop_flag, answers)
    time.sleep(0.5)  # let the flood reach the server
    started = time.perf_counter()
    latencies = health_latencies(base, checks)
    seconds = time.perf_counter() - started
    stop_flag.set()
    for worker in workers:
        worker.join()
    return row(label, latencies, answers, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="8 threads, 100 health checks")
    args = parser.parse_args()
    threads, checks = (8, 100) if args.quick else (args.threads, args.checks)
    rows = []
    with tempfile.TemporaryDirectory(prefix="phananh_bench_login_") as folder:
        database = Path(folder) / "bench.db"
        env = {**os.environ, "PHANANH_DATABASE_URL": f"sqlite:///{database}"}
        for command in (["migrate"], ["deploy", "processes"], ["demo"]):
            subprocess.run([sys.executable, "-m", "api", *command], cwd=PROJECT_ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        with server(database) as base:
            rows.append(row("idle", health_latencies(base, checks), None, 1.0))
            rows.append(measure(base, threads, checks, f"{threads} threads, default throttle"))
        unthrottled = {
            "PHANANH_SIGN_IN_FAILURES_PER_ADDRESS": "1000000",
            "PHANANH_SIGN_IN_FAILURES_PER_USERNAME": "1000000",
        }
        with server(database, **unthrottled) as base:
            rows.append(measure(base, threads, checks, f"{threads} threads, throttle lifted"))
    header = ["/healthz while", "p50 ms", "p95 ms", "max ms", "sign-ins/s", "sign-in answers"]
    print(f"{checks} sequential /healthz requests per row; {os.cpu_count()} cores\n")
    print(aligned_table([header, *rows], numeric={1, 2, 3, 4}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
