"""In-process turns for SQLite writers: one write transaction at a time per engine, waiting on a lock.

SQLite lets one transaction write at a time. Without this, the threads of one web process that want to write poll
for the lock in SQLite's busy handler, which sleeps 1, 2, 5, … up to 100 ms between tries: the lock often stands
free while they sleep. Here they wait on a Python lock and the next one starts as soon as the writer before it
commits or rolls back. Other processes still wait in the busy handler (use PostgreSQL for several processes).
"""

import threading


class WriterTurns:
    """Who of this process writes now: at most one connection between its BEGIN IMMEDIATE and its end."""

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = threading.Lock()
        self._holder: int | None = None  # id() of the DBAPI connection whose transaction writes

    @property
    def held(self) -> bool:
        """Whether a write transaction of this process is under way."""
        return self._holder is not None

    def take(self, dbapi_connection: object) -> None:
        """Wait for the turn of ``dbapi_connection`` (after the timeout, go on and let SQLite's busy wait decide)."""
        if self._lock.acquire(timeout=self.timeout_seconds):
            self._holder = id(dbapi_connection)

    def give_back(self, dbapi_connection: object) -> None:
        """End the turn of ``dbapi_connection`` if it has it (a no-op otherwise, so it may be called twice)."""
        if self._holder is not None and self._holder == id(dbapi_connection):
            self._holder = None
            self._lock.release()
