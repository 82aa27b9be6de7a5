"""Liên thông between two instances: messages delivered per second, and the delivery lag with a polling worker.

Two fresh databases per backend (SQLite: temporary files; PostgreSQL: ``phananh_bench_fed_<random>`` databases on
the server named by PHANANH_BENCH_POSTGRES_URL, dropped at the end), migrated, each with its federation name and
keys, registered as each other's peer. The receiving district runs as a real ``uvicorn`` process on loopback.

* throughput: N messages queued at the city in one transaction, then delivered by ``deliver_outbox`` passes (what
  ``phananh worker`` runs) until none is left; delivered/s = N / wall time of the passes. Every message must be in
  the district's inbox exactly once.
* lag: a ``phananh worker --interval I`` process for the city while the bench queues R messages per second, one
  per transaction, for S seconds; lag = the district's ``received_at`` − the city's ``created_at`` of each
  message; p50/p99/max.

Usage: ``python bench/bench_federation.py [--messages 2000] [--rate 20] [--seconds 10] [--interval 0.2]
[--backend sqlite|postgresql|both]``
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from subprocesses import free_port, stop, wait_healthy
from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

from engine.cases.identity import IdentityVault
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import FederationInbox, FederationOutbox
from engine.core.settings import PROJECT_ROOT
from engine.federation.enums import MessageKind
from engine.federation.keys import create_instance_identity
from engine.federation.outbox import deliver_outbox, queue_message
from engine.federation.peers import add_peer

SECRET_KEY = "phananh-bench-secret-" + "0123456789abcdef" * 3
VAULT = IdentityVault(SECRET_KEY)
CITY, DISTRICT = "thanh-pho", "quan-1"
BODY = {"tracking_code": "DT-2026-00041", "state": "đang xác minh", "note": "Đoàn xác minh đã làm việc với phường"}


def service_env(database_url: str) -> dict[str, str]:
    """The environment of a server or worker process on a bench database."""
    return {**os.environ, "PHANANH_DATABASE_URL": database_url, "PHANANH_SCHEDULER_ENABLED": "false",
            "PHANANH_SECRET_KEY": SECRET_KEY}  # fmt: skip


def prepare(city_url: str, district_url: str, district_base: str):
    """Migrate both databases, give each its keys, register each as the other's peer; the two factories."""
    factories = []
    for url in (city_url, district_url):
        engine = make_engine(url)
        upgrade_to_head(engine)
        factories.append(make_session_factory(engine))
    city, district = factories
    now = datetime.now(UTC)
    with transaction(city) as session:
        city_key = create_instance_identity(session, VAULT, name=CITY, now=now).public_key
    with transaction(district) as session:
        district_key = create_instance_identity(session, VAULT, name=DISTRICT, now=now).public_key
        add_peer(session, name=CITY, url="http://127.0.0.1:1", public_key=city_key, added_by="bench", now=now)
    with transaction(city) as session:
        add_peer(session, name=DISTRICT, url=district_base, public_key=district_key, added_by="bench", now=now)
    return city, district


def received(district) -> int:
    with district() as session:
        return session.scalar(select(func.count()).select_from(FederationInbox))


def throughput(city, district, messages: int) -> float:
    """Queue ``messages`` at once, deliver them with outbox passes; delivered per second."""
    with transaction(city) as session:
        now = datetime.now(UTC)
        for n in range(messages):
            queue_message(session, peer=DISTRICT, kind=MessageKind.PROGRESS, body={**BODY, "n": n}, now=now)
    started = time.perf_counter()
    while deliver_outbox(city, VAULT, now=datetime.now(UTC)).delivered:
        pass
    elapsed = time.perf_counter() - started
    if received(district) != messages:
        raise SystemExit(f"the district received {received(district)} of {messages} messages")
    return messages / elapsed


def lag(city, district, city_url: str, *, rate: float, seconds: float, interval: float, log: Path) -> list[float]:
    """Queue ``rate`` messages a second for ``seconds`` while a worker polls every ``interval`` s; lags in ms."""
    before = received(district)
    with open(log, "w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "api", "worker", "--interval", str(interval)],
            cwd=PROJECT_ROOT, env=service_env(city_url), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        time.sleep(3)  # the worker's start-up is not part of the lag
        count = int(rate * seconds)
        started = time.monotonic()
        ids = []
        for n in range(count):
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
            with transaction(city) as session:
                row = queue_message(session, peer=DISTRICT, kind=MessageKind.PROGRESS, body={**BODY, "n": n},
                                    now=datetime.now(UTC))  # fmt: skip
                ids.append(row.message_id)
        deadline = time.monotonic() + 60
        while received(district) < before + count and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop(worker)
    with city() as session:
        created = dict(session.execute(
            select(FederationOutbox.message_id, FederationOutbox.created_at).where(FederationOutbox.message_id.in_(ids))
        ).all())  # fmt: skip
    with district() as session:
        arrived = dict(session.execute(
            select(FederationInbox.message_id, FederationInbox.received_at).where(FederationInbox.message_id.in_(ids))
        ).all())  # fmt: skip
    if len(arrived) != len(ids):
        raise SystemExit(f"only {len(arrived)} of {len(ids)} messages arrived within 60 s")
    return [(arrived[i] - created[i]).total_seconds() * 1000 for i in ids]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_backend(backend: str, args) -> list[str]:
    """One backend's row of the table."""
    with ExitStack() as stack:
        make = sqlite_database if backend == "sqlite" else postgres_database
        city_url, district_url = stack.enter_context(make()), stack.enter_context(make())
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        city, district = prepare(city_url, district_url, base)
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="phananh_bench_fed_")))
        with open(folder / "server.log", "w") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port),
                 "--log-level", "warning"],
                cwd=PROJECT_ROOT, env=service_env(district_url), stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        stack.callback(stop, server)
        wait_healthy(base, server, folder / "server.log")
        rate = throughput(city, district, args.messages)
        lags = lag(city, district, city_url, rate=args.rate, seconds=args.seconds, interval=args.interval,
                   log=folder / "worker.log")  # fmt: skip
        for factory in (city, district):
            factory.kw["bind"].dispose()
    return [backend, f"{args.messages:,}", f"{rate:,.0f}", f"{len(lags):,}", f"{statistics.median(lags):,.0f}",
            f"{percentile(lags, 0.99):,.0f}", f"{max(lags):,.0f}"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0, help="messages queued per second in the lag run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the lag run")
    parser.add_argument("--interval", type=float, default=0.2, help="the worker's --interval")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; worker --interval "
        f"{args.interval} s; {args.rate:g} messages/s for {args.seconds:g} s in the lag run"
    )
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    rows = [run_backend(backend, args) for backend in backends]
    header = ["backend", "messages", "delivered/s", "lag n", "lag p50 ms", "lag p99 ms", "lag max ms"]
    print(aligned_table([header, *rows], numeric={1, 2, 3, 4, 5, 6}))


if __name__ == "__main__":
    main()
