"""The timer scheduler: claims due timer rows and fires each exactly once, in its own transaction."""

import logging
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.db import transaction
from engine.errors import DomainError
from engine.models import CaseTimer
from engine.runtime import CaseRuntime
from engine.services import EngineServices

log = logging.getLogger("phananh.scheduler")


def fire_due_timers(factory: sessionmaker[Session], services: EngineServices, *, limit: int = 100) -> int:
    """Fire every timer whose time has come (by the services' clock). Returns how many fired."""
    now = services.clock.now()
    with factory() as session:
        due_ids = list(
            session.scalars(
                select(CaseTimer.id)
                .where(CaseTimer.status == "waiting", CaseTimer.fire_at <= now)
                .order_by(CaseTimer.fire_at)
                .limit(limit)
            )
        )
    fired = 0
    for timer_id in due_ids:
        try:
            with transaction(factory) as session:
                query = select(CaseTimer).where(CaseTimer.id == timer_id, CaseTimer.status == "waiting")
                if session.bind.dialect.name == "postgresql":
                    query = query.with_for_update(skip_locked=True)
                timer = session.scalars(query).first()
                if timer is not None and CaseRuntime(session, services).fire_timer(timer) is not None:
                    fired += 1
        except DomainError as exc:  # another process advanced the case first; the next pass retries
            log.info("timer %s not fired this pass: %s", timer_id, exc.message)
    return fired


class SchedulerThread(threading.Thread):
    """Runs ``fire_due_timers`` every few seconds inside the web process until stopped."""

    def __init__(self, factory: sessionmaker[Session], services: EngineServices, interval: float) -> None:
        super().__init__(name="phananh-scheduler", daemon=True)
        self.factory, self.services, self.interval = factory, services, interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                fire_due_timers(self.factory, self.services)
            except Exception:  # keep the loop alive; the next pass retries
                log.exception("scheduler pass failed")
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Ask the loop to end and wait for it."""
        self._stop_event.set()
        self.join(timeout=10)
