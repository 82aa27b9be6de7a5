"""Liveness: ok when the app runs and the database answered within the last second."""

import asyncio
import time

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.schemas import HealthOut
from engine.core.db import SessionFactory, ping

router = APIRouter(tags=["health"])

FRESH_SECONDS = 1.0
"""How long a database answer of "ok" stands for the next checks (a failure is never reused)."""


class Liveness:
    """The database check behind ``/healthz``: at most one ping per second while it answers, one at a time."""

    def __init__(self, session_factory: SessionFactory, *, fresh_seconds: float = FRESH_SECONDS) -> None:
        self.session_factory = session_factory
        self.fresh_seconds = fresh_seconds
        self.pings = 0
        self._ok: HealthOut | None = None
        self._ok_at = 0.0
        self._lock = asyncio.Lock()

    async def check(self) -> HealthOut:
        """The last "ok" while fresh, else a new ping (in the thread pool: it does I/O)."""
        if self._fresh():
            return self._ok  # type: ignore[return-value]
        async with self._lock:  # checks arriving together share one ping
            if not self._fresh():
                answer = await run_in_threadpool(self._ping)
                self._ok, self._ok_at = (answer, time.monotonic()) if answer.status == "ok" else (None, 0.0)
                return answer
            return self._ok  # type: ignore[return-value]

    def _fresh(self) -> bool:
        return self._ok is not None and time.monotonic() - self._ok_at < self.fresh_seconds

    def _ping(self) -> HealthOut:
        self.pings += 1
        try:
            with self.session_factory() as session:
                dialect = ping(session)
        except Exception as exc:  # any database failure means degraded, never a 500
            return HealthOut(status="degraded", database=type(exc).__name__)
        return HealthOut(status="ok", database=dialect)


@router.get("/healthz", response_model=HealthOut)
async def health(request: Request) -> HealthOut:
    """Answers ok when the app runs and the database answers (checked at most once a second while it does)."""
    return await request.app.state.liveness.check()
