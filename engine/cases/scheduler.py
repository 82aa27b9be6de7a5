"""The timer scheduler: workers claim due timers in batches under a lease, then fire each exactly once.

Claiming takes due, unclaimed (or expired-lease) rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so many
workers share the backlog without waiting on each other. A worker killed mid-batch leaves its claims behind;
they become claimable again when the lease expires. Exactly-once firing does not rest on the lease: each fire
locks the timer row and re-checks that it is still waiting, in the same transaction that advances the case.
"""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.enums import CaseStatus, TimerStatus
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.errors import DomainError
from engine.core.models import Case, CaseTimer
from engine.core.settings import Settings
from engine.federation.outbox import deliver_outbox
from engine.notifications.delivery import send_due_digests
from engine.notifications.events import notify_timer_fired
from engine.portal.notifications import portal_housekeeping
from engine.processes.scheduled import ensure_scheduled_cases
from engine.services import EngineServices

log = logging.getLogger("phananh.scheduler")


def default_worker_id() -> str:
    """host:pid:thread, unique among running workers."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker claims: batch size and lease length."""

    worker_id: str
    batch_size: int = 100
    lease: timedelta = timedelta(seconds=60)


def claim_due_timers(factory: sessionmaker[Session], services: EngineServices, worker: WorkerSettings) -> list[str]:
    """Claim up to ``batch_size`` due timers that nobody holds (or whose lease expired); returns their ids."""
    now = services.clock.now()
    suspended = select(Case.id).where(Case.status == CaseStatus.SUSPENDED)  # their timers wait for the resumption
    with transaction(factory) as session:
        due = (
            select(CaseTimer.id)
            .where(
                CaseTimer.status == TimerStatus.WAITING,
                CaseTimer.fire_at <= now,
                or_(CaseTimer.lease_until.is_(None), CaseTimer.lease_until < now),
                CaseTimer.case_id.not_in(suspended),
            )
            .order_by(CaseTimer.fire_at)
            .limit(worker.batch_size)
        )
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if ids:
            session.execute(
                update(CaseTimer)
                .where(CaseTimer.id.in_(ids))
                .values(claimed_by=worker.worker_id, lease_until=now + worker.lease)
            )
    return ids


def fire_claimed_timer(factory: sessionmaker[Session], services: EngineServices, timer_id: str) -> bool:
    """Fire one timer if it is still waiting; the row lock makes a second firer wait, then skip.

    A reminder or escalation also notifies the step's people (and the supervisors) in the same transaction.
    """
    with transaction(factory) as session:
        query = select(CaseTimer).where(CaseTimer.id == timer_id, CaseTimer.status == TimerStatus.WAITING)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        timer = session.scalars(query).first()
        if timer is None or CaseRuntime(session, services).fire_timer(timer) is None:
            return False
        notify_timer_fired(session, services, timer)
        return True


def send_staff_digests(factory: sessionmaker[Session], services: EngineServices) -> int:
    """Queue the daily notification digests whose hour has come (local time of the instance's calendar)."""
    now = services.clock.now()
    return send_due_digests(factory, now=now, zone=services.calendar.zone, base_url=services.portal_base_url)


def release_claim(factory: sessionmaker[Session], timer_id: str) -> None:
    """Give a claimed timer back at once (after a conflict), instead of waiting for its lease to expire."""
    with transaction(factory) as session:
        session.execute(
            update(CaseTimer)
            .where(CaseTimer.id == timer_id, CaseTimer.status == TimerStatus.WAITING)
            .values(claimed_by=None, lease_until=None)
        )


def keep_scheduled_processes_waiting(factory: sessionmaker[Session], services: EngineServices) -> None:
    """Make sure each timer-started process has an instance waiting (a finished run starts the next one)."""
    try:
        with transaction(factory) as session:
            ensure_scheduled_cases(session, services)
    except DomainError as exc:  # two workers started one at once; the other one's stands
        log.info("scheduled process not started this pass: %s", exc.message)


def fire_due_timers(
    factory: sessionmaker[Session], services: EngineServices, worker: WorkerSettings | None = None
) -> int:
    """Claim one batch of due timers and fire them. Returns how many fired."""
    worker = worker or WorkerSettings(worker_id=default_worker_id())
    keep_scheduled_processes_waiting(factory, services)
    fired = 0
    for timer_id in claim_due_timers(factory, services, worker):
        try:
            fired += fire_claimed_timer(factory, services, timer_id)
        except DomainError as exc:  # the case changed under us; give the timer back for the next pass
            log.info("timer %s not fired this pass: %s", timer_id, exc.message)
            release_claim(factory, timer_id)
    return fired


def drain_due_timers(factory: sessionmaker[Session], services: EngineServices, worker: WorkerSettings) -> int:
    """Fire batches until no due timer is left for this worker."""
    total = 0
    while claimed := fire_due_timers(factory, services, worker):
        total += claimed
    return total


def deliver_federation_outbox(factory: sessionmaker[Session], services: EngineServices) -> int:
    """Deliver the messages due for the peer instances until none is due; returns how many were delivered."""
    delivered = 0
    while True:
        done = deliver_outbox(factory, services.identities, now=services.clock.now())
        delivered += done.delivered
        if done.delivered == 0:
            return delivered


class SchedulerThread(threading.Thread):
    """Runs ``fire_due_timers`` every few seconds inside the web process until stopped."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        services: EngineServices,
        interval: float,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(name="phananh-scheduler", daemon=True)
        self.factory, self.services, self.interval, self.settings = factory, services, interval, settings
        self._stop_event = threading.Event()

    def run(self) -> None:
        worker = WorkerSettings(worker_id=default_worker_id())
        while not self._stop_event.is_set():
            try:
                drain_due_timers(self.factory, self.services, worker)
                send_staff_digests(self.factory, self.services)
                deliver_federation_outbox(self.factory, self.services)
                if self.settings is not None:
                    portal_housekeeping(self.factory, self.settings, self.services.clock.now())
            except Exception:  # keep the loop alive; the next pass retries
                log.exception("scheduler pass failed")
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Ask the loop to end and wait for it."""
        self._stop_event.set()
        self.join(timeout=10)
