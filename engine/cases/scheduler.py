"""The timer scheduler: workers claim due timers in batches under a lease, then fire each exactly once.

A running worker (``TimerWorker``) drains the due timers batch after batch without sleeping, then sleeps until the
next timer falls due (or its housekeeping interval ends, whichever is first), so timers fire with little lag.

Claiming takes due, unclaimed (or expired-lease) rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so many
workers share the backlog without waiting on each other. A worker killed mid-batch leaves its claims behind;
they become claimable again when the lease expires. Exactly-once firing does not rest on the lease: each fire
locks the timer row and re-checks that it is still waiting, in the same transaction that advances the case.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.claimable import claimable_at
from engine.cases.enums import TimerStatus
from engine.cases.runtime import CaseRuntime
from engine.cases.store import CaseStore
from engine.cases.wakeup import CASES, TIMERS, next_claimable_at, seconds_until_wake
from engine.core.db import transaction
from engine.core.errors import DomainError
from engine.core.models import CaseTimer
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
    with transaction(factory) as session:
        due = (
            select(CaseTimer.id)
            .where(*claimable_at(TIMERS, CASES, now))
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


def fire_waiting_timer(session: Session, services: EngineServices, timer_id: str) -> bool:
    """Fire one timer in ``session`` if it is still waiting; the row lock makes a second firer wait, then skip.

    The timer and its case are read in one statement. A reminder or escalation also notifies the step's people
    (and the supervisors) in the same transaction.
    """
    found = CaseStore(session).waiting_timer_with_case(timer_id)
    if found is None:
        return False
    timer, case = found
    fired_case = CaseRuntime(session, services).fire_timer(timer, case)
    if fired_case is None:
        return False
    notify_timer_fired(session, services, timer, case=fired_case)
    return True


def send_staff_digests(factory: sessionmaker[Session], services: EngineServices) -> int:
    """Queue the daily notification digests whose hour has come (local time of the instance's calendar)."""
    now = services.clock.now()
    return send_due_digests(factory, now=now, zone=services.calendar.zone, base_url=services.portal_base_url)


def give_back(session: Session, timer_ids: list[str]) -> None:
    """Clear the claims of the given timers that still wait, in ``session``'s transaction."""
    session.execute(
        update(CaseTimer)
        .where(CaseTimer.id.in_(timer_ids), CaseTimer.status == TimerStatus.WAITING)
        .values(claimed_by=None, lease_until=None)
    )


def keep_scheduled_processes_waiting(factory: sessionmaker[Session], services: EngineServices) -> None:
    """Make sure each timer-started process has an instance waiting (a finished run starts the next one)."""
    try:
        with transaction(factory) as session:
            ensure_scheduled_cases(session, services)
    except DomainError as exc:  # two workers started one at once; the other one's stands
        log.info("scheduled process not started this pass: %s", exc.message)


@dataclass(frozen=True)
class BatchOutcome:
    """One claimed batch: how many timers were claimed, fired, and given back after a conflict."""

    claimed: int
    fired: int
    given_back: int


SAVEPOINTS_PER_TRANSACTION = 50
"""At most this many timers per transaction: PostgreSQL caches 64 subtransactions per backend; past that every
other session's snapshot check has to look into ``pg_subtrans``."""

SQLITE_TIMERS_PER_TRANSACTION = 8
"""On SQLite a transaction holds the one write lock, which the web requests of the same database wait for: fewer
timers per transaction keep that wait short (tens of milliseconds)."""


def fire_one_batch(factory: sessionmaker[Session], services: EngineServices, worker: WorkerSettings) -> BatchOutcome:
    """Claim one batch of due timers and fire them in one transaction per 50 (``fire_together``).

    A timer whose case changed under us (``DomainError``) is given back in the same transaction; the others commit
    together (one commit per batch instead of per timer). Any other error commits the timers fired before it, as
    their own transactions did, and propagates; the rest of the batch waits for its lease to expire.
    """
    claimed = claim_due_timers(factory, services, worker)
    fired = given_back = 0
    group = SAVEPOINTS_PER_TRANSACTION
    if factory.kw["bind"].dialect.name == "sqlite":
        group = min(group, SQLITE_TIMERS_PER_TRANSACTION)
    for start in range(0, len(claimed), group):
        done, returned = fire_together(factory, services, claimed[start : start + group])
        fired, given_back = fired + done, given_back + returned
    return BatchOutcome(claimed=len(claimed), fired=fired, given_back=given_back)


def fire_together(factory: sessionmaker[Session], services: EngineServices, timer_ids: list[str]) -> tuple[int, int]:
    """Fire the claimed timers in one transaction; returns how many fired and were given back.

    A conflict is rare, so the group first fires without savepoints (each costs two statements). If any timer
    fails, nothing of that attempt stands and the group fires again with a savepoint per timer
    (``fire_with_savepoints``), which gives back or keeps each timer as its own transaction would have.
    """
    try:
        with transaction(factory) as session:
            fired = sum(fire_waiting_timer(session, services, timer_id) for timer_id in timer_ids)
        return fired, 0
    except Exception as exc:  # noqa: BLE001 - every error is met again, timer by timer, in the second attempt
        log.info("timers fired again one savepoint each after %s: %s", type(exc).__name__, exc)
    return fire_with_savepoints(factory, services, timer_ids)


def fire_with_savepoints(
    factory: sessionmaker[Session], services: EngineServices, timer_ids: list[str]
) -> tuple[int, int]:
    """Fire the timers in one transaction, a savepoint each; returns how many fired and were given back.

    A timer whose case changed under us (``DomainError``) rolls back its savepoint and is given back; any other
    error commits the timers fired before it and propagates.
    """
    fired, given_back = 0, []
    with transaction(factory) as session:
        for timer_id in timer_ids:
            try:
                with session.begin_nested():
                    fired += fire_waiting_timer(session, services, timer_id)
            except DomainError as exc:  # the case changed under us; give the timer back for the next pass
                log.info("timer %s not fired this pass: %s", timer_id, exc.message)
                given_back.append(timer_id)
            except Exception:
                session.commit()  # the timers fired so far stand
                raise
        if given_back:
            give_back(session, given_back)
    return fired, len(given_back)


def deliver_federation_outbox(factory: sessionmaker[Session], services: EngineServices) -> int:
    """Deliver the messages due for the peer instances until none is due; returns how many were delivered."""
    delivered = 0
    while True:
        done = deliver_outbox(factory, services.identities, now=services.clock.now())
        delivered += done.delivered
        if done.delivered == 0:
            return delivered


RETRY_AFTER_CONFLICT = timedelta(seconds=1)
"""How long a worker waits before claiming again after it gave a timer back (so it does not spin on it)."""


class TimerWorker:
    """A running worker: drains due timers without sleeping, then sleeps until the next one falls due.

    Every ``interval`` seconds it also does its housekeeping: start the scheduled processes' next instances,
    deliver the federation outbox, queue the notification digests and (with ``settings``) send the portal's
    e-mail. ``say`` receives one line per pass that did something (the command line prints it).

    It looks at the next claimable timer at least every ``poll`` seconds, so a timer another process creates due
    sooner than the planned wake-up is not missed for long (one indexed query per look).
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        services: EngineServices,
        worker: WorkerSettings,
        *,
        interval: float,
        poll: float = 1.0,
        settings: Settings | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.factory, self.services, self.worker, self.settings = factory, services, worker, settings
        self.interval, self.poll = timedelta(seconds=interval), min(poll, interval)
        self.say = say or (lambda line: log.info("%s", line))
        self.next_housekeeping: datetime | None = None
        self.not_before: datetime | None = None

    def drain(self) -> int:
        """Fire batches until none is due for this worker; returns how many fired."""
        fired = 0
        while True:
            batch = fire_one_batch(self.factory, self.services, self.worker)
            fired += batch.fired
            if batch.given_back:
                self.not_before = self.services.clock.now() + RETRY_AFTER_CONFLICT
                return fired
            if batch.claimed < self.worker.batch_size:  # the backlog is empty (or others hold the rest)
                return fired

    def housekeeping(self) -> None:
        """Scheduled processes, the federation outbox, the digests and the portal's e-mail."""
        me = self.worker.worker_id
        keep_scheduled_processes_waiting(self.factory, self.services)
        if messages := deliver_federation_outbox(self.factory, self.services):
            self.say(f"{me}: delivered {messages} message(s) to peer instances")
        if digests := send_staff_digests(self.factory, self.services):
            self.say(f"{me}: queued {digests} notification digest(s)")
        if self.settings is not None:
            if sent := portal_housekeeping(self.factory, self.settings, self.services.clock.now()):
                self.say(f"{me}: sent {sent} e-mail(s)")

    def run_pass(self) -> float:
        """Fire what is due, do the housekeeping when its time has come; returns the seconds to sleep."""
        now = self.services.clock.now()
        if self.next_housekeeping is None or now >= self.next_housekeeping:
            self.next_housekeeping = now + self.interval
            self.housekeeping()
        if self.not_before is None or now >= self.not_before:
            self.not_before = None
            if fired := self.drain():
                self.say(f"{self.worker.worker_id}: fired {fired} timer(s)")
        return self.seconds_to_sleep()

    def seconds_to_sleep(self) -> float:
        """Until the next claimable timer or the next housekeeping, whichever is first; at most ``poll``."""
        now = self.services.clock.now()
        with self.factory() as session:
            next_timer = next_claimable_at(session, now=now)
        assert self.next_housekeeping is not None
        wake = seconds_until_wake(
            now=now, next_timer=next_timer, next_housekeeping=self.next_housekeeping, not_before=self.not_before
        )
        return min(wake, self.poll)

    def run(self, stop: threading.Event, *, once: bool = False) -> None:
        """Pass after pass until ``stop`` is set (or after one pass with ``once``); a failed pass is retried."""
        while not stop.is_set():
            try:
                pause = self.run_pass()
            except Exception:  # keep the loop alive; the next pass retries
                if once:
                    raise
                log.exception("scheduler pass failed")
                pause = self.interval.total_seconds()
            if once:
                return
            stop.wait(pause)


class SchedulerThread(threading.Thread):
    """Runs a ``TimerWorker`` inside the web process until stopped."""

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
        loop = TimerWorker(self.factory, self.services, worker, interval=self.interval, settings=self.settings)
        loop.run(self._stop_event)

    def stop(self) -> None:
        """Ask the loop to end and wait for it."""
        self._stop_event.set()
        self.join(timeout=10)
