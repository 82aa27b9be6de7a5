"""PostgreSQL production mode, with real processes: many workers, a killed worker, two API servers racing."""

import os
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, text, update

from engine.cases.audit import verify_chain
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import AuditEvent, Case, CaseTimer, HumanTask
from engine.processes.deployment import deploy_bpmn
from tests.cases import SCREEN_IN
from tests.factories import FIXTURES, INTAKE, PASSWORD
from tests.processes import api_server, start_worker

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def start_timer_cases(world, count: int) -> None:
    """``count`` cases, each waiting on one timer due a second later."""
    with transaction(world.factory) as session:
        content = (FIXTURES / "timer_only.bpmn").read_bytes()
        deploy_bpmn(session, content=content, filename="timer_only.bpmn", forms=world.services.forms)
    officer = world.actor("officer1")
    for first in range(0, count, 200):
        with transaction(world.factory) as session:
            runtime = CaseRuntime(session, world.services)
            for _ in range(min(200, count - first)):
                runtime.start_case(officer, process_key="timer_only_demo", data={})
    time.sleep(1.2)  # the timers were set to fire one second after their case started


def timer_fire_counts(world) -> Counter:
    with world.factory() as session:
        of_test_cases = select(Case.id).where(Case.process_key == "timer_only_demo")
        fired = session.scalars(
            select(AuditEvent.task_id).where(AuditEvent.kind == "timer_fired", AuditEvent.case_id.in_(of_test_cases))
        )
        return Counter(fired)


def timer_ids(world) -> set[str]:
    """The timers of the timer-only test cases (not the periodic report's)."""
    with world.factory() as session:
        of_test_cases = select(Case.id).where(Case.process_key == "timer_only_demo")
        return set(session.scalars(select(CaseTimer.id).where(CaseTimer.case_id.in_(of_test_cases))))


def wait_until_no_other_connection_is_in_a_transaction(world) -> None:
    """A killed worker's last COMMIT may still be on its way to PostgreSQL: wait until its backends are done."""
    busy = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
    )
    deadline = time.monotonic() + 60
    with world.factory() as session:
        while session.scalar(busy) and time.monotonic() < deadline:
            session.rollback()  # a fresh snapshot of pg_stat_activity on the next read
            time.sleep(0.05)
        assert not session.scalar(busy), "the killed worker's connections should have ended"


def test_four_workers_fire_two_thousand_timers_each_exactly_once(world):
    start_timer_cases(world, 2000)
    workers = [start_worker(world.settings.database_url, "--once", "--batch-size", "50") for _ in range(4)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    counts = timer_fire_counts(world)
    assert set(counts) == timer_ids(world) and len(counts) == 2000
    assert set(counts.values()) == {1}
    assert sum("fired" in out for out in outputs) >= 2, "the backlog should be shared by several workers"
    with world.factory() as session:
        completed = select(func.count()).where(Case.status == "completed", Case.process_key == "timer_only_demo")
        assert session.scalar(completed) == 2000


def test_two_running_workers_fire_timers_as_they_fall_due_each_exactly_once(world):
    """Long-running workers (not --once), started before the timers exist: they find them and share them."""
    workers = [start_worker(world.settings.database_url, "--batch-size", "20") for _ in range(2)]
    try:
        start_timer_cases(world, 400)
        deadline = time.monotonic() + 300  # a guard against a hang, not a measure of speed
        while time.monotonic() < deadline and sum(timer_fire_counts(world).values()) < 400:
            time.sleep(0.1)
        assert all(w.poll() is None for w in workers), "the running workers should still be running"
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=60)[0] for w in workers]
    counts = timer_fire_counts(world)
    assert set(counts) == timer_ids(world) and set(counts.values()) == {1}, outputs
    assert all(": running" in out for out in outputs), outputs


def test_timers_claimed_by_a_killed_worker_fire_later_exactly_once(world):
    """A dead worker's claims hold until their lease expires, then another worker fires them, each once.

    The lease is long (ten minutes), so no wall-clock race decides the outcome however slow the machine is:
    the lease is then expired by moving its stored end into the past, as time passing would.
    """
    start_timer_cases(world, 300)
    doomed = start_worker(world.settings.database_url, "--batch-size", "300", "--lease-seconds", "600")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(timer_fire_counts(world).values()) < 20:
        time.sleep(0.02)
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    wait_until_no_other_connection_is_in_a_transaction(world)
    stranded_claims = (
        CaseTimer.status == "waiting", CaseTimer.claimed_by.is_not(None), CaseTimer.id.in_(timer_ids(world))
    )  # fmt: skip
    with world.factory() as session:
        stranded = session.scalar(select(func.count()).where(*stranded_claims))
    assert stranded > 0, "the worker should have died in the middle of its batch"
    fired_by_the_dead_worker = timer_fire_counts(world)

    early = start_worker(world.settings.database_url, "--once")
    output = early.communicate(timeout=60)[0]
    assert early.returncode == 0, output
    assert timer_fire_counts(world) == fired_by_the_dead_worker, "claims are held until their lease expires"

    with transaction(world.factory) as session:
        expired = session.execute(
            update(CaseTimer).where(*stranded_claims).values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )
        assert expired.rowcount == stranded
    rescuer = start_worker(world.settings.database_url, "--once")
    output = rescuer.communicate(timeout=120)[0]
    assert rescuer.returncode == 0, output
    counts = timer_fire_counts(world)
    assert len(counts) == 300 and set(counts.values()) == {1}


def test_two_api_processes_racing_on_the_same_200_tasks_give_200_wins_and_200_conflicts(world):
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        case_ids = [runtime.start_case(officer, process_key="report_1374", data=INTAKE).id for _ in range(200)]
    with world.factory() as session:
        tasks = list(session.scalars(select(HumanTask.id).where(HumanTask.state == "ready")))
    assert len(tasks) == 200

    secret = world.settings.secret_key
    with (
        api_server(world.settings.database_url, secret) as first,
        api_server(world.settings.database_url, secret) as second,
    ):
        tokens = {}
        for name in ("officer1", "officer2"):
            response = httpx.post(f"{first}/api/auth/token", data={"username": name, "password": PASSWORD})
            tokens[name] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        clients = {"officer1": httpx.Client(base_url=first), "officer2": httpx.Client(base_url=second)}

        def complete(args):
            name, task_id = args
            response = clients[name].post(
                f"/api/tasks/{task_id}/complete", json={"data": SCREEN_IN}, headers=tokens[name], timeout=60
            )
            return name, response.status_code, response.json().get("detail", "")

        attempts = [(name, task_id) for task_id in tasks for name in ("officer1", "officer2")]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(complete, attempts))
        for client in clients.values():
            client.close()

    statuses = Counter(status for _, status, _ in results)
    assert statuses == {200: 200, 409: 200}, statuses
    assert all("already completed by officer" in detail for _, status, detail in results if status == 409)
    with world.factory() as session:
        completions = Counter(session.scalars(select(AuditEvent.case_id).where(AuditEvent.kind == "task_completed")))
        assert completions == Counter({case_id: 1 for case_id in case_ids})
        assert all(verify_chain(session, case_id).valid for case_id in case_ids)
        assert session.scalar(select(func.count()).where(HumanTask.spec_name == "assign_verification")) == 200
