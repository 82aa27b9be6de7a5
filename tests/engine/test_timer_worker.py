"""The running timer worker: it sleeps until the next claimable timer (manual clock, no wall-clock waits), and two
workers draining the same backlog at once fire each timer exactly once."""

import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from engine.cases.enums import CaseStatus, TimerStatus
from engine.cases.runtime import CaseRuntime
from engine.cases.scheduler import TimerWorker, WorkerSettings
from engine.cases.wakeup import next_claimable_at, seconds_until_wake
from engine.core.db import transaction
from engine.core.models import AuditEvent, Case, CaseTimer
from engine.core.settings import PROJECT_ROOT
from engine.processes.deployment import deploy_bpmn
from tests.cases import walk_to_verification
from tests.factories import FIXTURES

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# ---- the wake-up computation -------------------------------------------------------------------------------


def test_the_worker_wakes_at_the_next_timer_when_it_comes_before_the_housekeeping():
    assert seconds_until_wake(now=T0, next_timer=at(0.25), next_housekeeping=at(5)) == 0.25


def test_without_a_timer_or_with_a_later_one_the_worker_wakes_for_its_housekeeping():
    assert seconds_until_wake(now=T0, next_timer=None, next_housekeeping=at(5)) == 5
    assert seconds_until_wake(now=T0, next_timer=at(3600), next_housekeeping=at(5)) == 5


def test_a_timer_already_due_means_no_sleep_at_all():
    assert seconds_until_wake(now=T0, next_timer=at(-30), next_housekeeping=at(5)) == 0


def test_after_giving_a_timer_back_the_worker_waits_before_claiming_it_again():
    assert seconds_until_wake(now=T0, next_timer=at(-1), next_housekeeping=at(5), not_before=at(1)) == 1


# ---- against the database, with the world's manual clock -------------------------------------------------------


def waiting_timers(world) -> list[CaseTimer]:
    with world.factory() as session:
        query = select(CaseTimer).where(CaseTimer.status == TimerStatus.WAITING).order_by(CaseTimer.fire_at)
        return list(session.scalars(query))


QUIET = 60 * 86400.0  # seconds: housekeeping and polling so far apart that only a timer wakes the worker earlier


def quiet_worker(world, worker_id: str = "test-worker", batch_size: int = 100) -> TimerWorker:
    """A worker that would sleep 60 days unless a timer falls due sooner."""
    settings = WorkerSettings(worker_id=worker_id, batch_size=batch_size)
    return TimerWorker(world.factory, world.services, settings, interval=QUIET, poll=QUIET)


def test_a_worker_sleeps_exactly_until_the_next_timer_then_fires_it(world):
    walk_to_verification(world, days=5)
    worker = quiet_worker(world)
    sleep = worker.run_pass()
    first = waiting_timers(world)[0]
    assert sleep == (first.fire_at - world.clock.now()).total_seconds()
    assert 0 < sleep < QUIET

    world.clock.advance(timedelta(seconds=sleep))
    after = worker.run_pass()
    with world.factory() as session:
        assert session.get(CaseTimer, first.id).status == TimerStatus.FIRED
    following = waiting_timers(world)
    assert following, "the escalation waits after the reminder fired"
    assert after == (following[0].fire_at - world.clock.now()).total_seconds() > 0


def test_a_timer_claimed_by_another_worker_wakes_this_one_only_when_the_claim_expires(world):
    walk_to_verification(world, days=5)
    first = waiting_timers(world)[0]
    world.clock.advance(first.fire_at - world.clock.now())
    lease_end = world.clock.now() + timedelta(seconds=60)
    with transaction(world.factory) as session:
        session.execute(update(CaseTimer).values(claimed_by="someone-else", lease_until=lease_end))
    with world.factory() as session:
        assert next_claimable_at(session, now=world.clock.now()) == lease_end


def test_the_timers_of_a_suspended_case_do_not_wake_the_worker(world):
    case_id = walk_to_verification(world, days=5)
    with transaction(world.factory) as session:
        session.execute(update(Case).where(Case.id == case_id).values(status=CaseStatus.SUSPENDED))
        session.execute(update(CaseTimer).where(CaseTimer.case_id != case_id).values(status=TimerStatus.CANCELLED))
    with world.factory() as session:
        assert next_claimable_at(session, now=world.clock.now()) is None


def timer_only_cases(world, count: int) -> set[str]:
    """``count`` cases of the one-timer fixture (due a second after they start); returns their timer ids."""
    content = (FIXTURES / "timer_only.bpmn").read_bytes()
    with transaction(world.factory) as session:
        deploy_bpmn(session, content=content, filename="timer_only.bpmn", forms=world.services.forms)
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        case_ids = [runtime.start_case(officer, process_key="timer_only_demo", data={}).id for _ in range(count)]
    with world.factory() as session:
        return set(session.scalars(select(CaseTimer.id).where(CaseTimer.case_id.in_(case_ids))))


def test_two_workers_draining_one_backlog_at_once_fire_each_timer_exactly_once(world):
    timer_ids = timer_only_cases(world, 60)
    world.clock.advance(timedelta(seconds=2))
    workers = [quiet_worker(world, f"worker-{n}", batch_size=7) for n in range(2)]
    fired = Counter()
    start = threading.Barrier(2)

    def drain(worker: TimerWorker) -> None:
        start.wait()
        fired[worker.worker.worker_id] = worker.drain()

    threads = [threading.Thread(target=drain, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with world.factory() as session:
        events = Counter(session.scalars(select(AuditEvent.task_id).where(AuditEvent.kind == "timer_fired")))
        left = session.scalar(select(func.count()).where(CaseTimer.id.in_(timer_ids), CaseTimer.status == "waiting"))
    assert {timer_id: events[timer_id] for timer_id in timer_ids} == dict.fromkeys(timer_ids, 1)
    assert left == 0 and sum(fired.values()) == len(timer_ids)


# ---- the worker's start-up ---------------------------------------------------------------------------------


def test_the_worker_command_imports_neither_the_web_app_nor_the_document_libraries():
    heavy = ("fastapi", "starlette", "uvicorn", "api.app", "api.web", "reportlab", "pyhanko", "fontTools", "docx",
             "docxtpl", "jsonschema", "httpx")  # fmt: skip
    probe = (
        "import sys, api.cli, engine.cases.scheduler, engine.services; "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT, check=True
    )
    assert result.stdout.strip() == ""
