"""Database engine and sessions: SQLite (WAL, synchronous=FULL) by default, PostgreSQL for production."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, CursorResult, Engine, Result, make_url
from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError

from engine.core.errors import DatabaseNotReady
from engine.core.sqlite_writers import WriterTurns

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as Session  # re-exported: the type of a session, for api/
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.orm.exc import StaleDataError

    SessionFactory = sessionmaker[Session]
    """The type of a factory of sessions (what ``make_session_factory`` returns)."""

    StaleWrite = StaleDataError
    """Raised when a row was changed by another session between read and write (optimistic version check)."""


def __getattr__(name: str) -> Any:
    """``Session``, ``SessionFactory`` and ``StaleWrite`` load the ORM on first use, so Core-only callers (the
    worker's start-up check) start without it."""
    if name not in ("Session", "SessionFactory", "StaleWrite"):  # e.g. ``__path__``, which every import asks for
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from sqlalchemy.orm import Session, sessionmaker
    from sqlalchemy.orm.exc import StaleDataError

    return {"Session": Session, "SessionFactory": sessionmaker[Session], "StaleWrite": StaleDataError}[name]


DatabaseUnavailable = OperationalError
"""Raised when the database cannot answer (unreachable, or on SQLite a write lock held too long)."""

AnyDatabaseError = SQLAlchemyError
"""The base of every error the database layer raises."""

ValueOutOfRange = DataError
"""A value the database cannot store, e.g. an id past PostgreSQL's bigint (SQLite raises OverflowError)."""

READ_ONLY = "phananh_read_only"
"""Execution option of connections that only read: on SQLite they begin a plain (deferred) transaction, which reads
its WAL snapshot without waiting for a writer's lock."""


def read_only_connection(engine: Engine) -> Connection:
    """A connection for reads that must not wait for another session's write lock (SQLite)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def make_engine(
    database_url: str,
    *,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    pool_recycle: int = 1800,
) -> Engine:
    """Create an engine; on SQLite switch on WAL, synchronous=FULL, foreign keys and a busy timeout.

    SQLite transactions start with BEGIN IMMEDIATE: a transaction that read first and wrote later could
    otherwise fail with "database is locked" when another writer committed in between (WAL snapshot rule).
    Writers queue on the busy timeout instead, and the writers of this process take turns on a lock
    (``WriterTurns``); use PostgreSQL when many processes write at once.
    """
    if database_url.startswith("sqlite"):
        engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, starts transactions
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        turns = WriterTurns(timeout_seconds=30)
        engine.sqlite_writer_turns = turns  # type: ignore[attr-defined]  # for tests

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection) -> None:
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("BEGIN")
                return
            writer = connection.connection.dbapi_connection
            turns.take(writer)
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                turns.give_back(writer)
                raise

        @event.listens_for(engine, "commit")
        @event.listens_for(engine, "rollback")
        def _end_of_turn(connection) -> None:
            if not connection.invalidated:
                turns.give_back(connection.connection.dbapi_connection)

        @event.listens_for(engine.pool, "checkin")
        @event.listens_for(engine.pool, "invalidate")
        def _returned(dbapi_connection, *_) -> None:  # however the transaction ended
            if dbapi_connection is not None:
                turns.give_back(dbapi_connection)

        return engine
    return create_engine(
        database_url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
    )


def psycopg_connection(database_url: str, **options):
    """A plain psycopg connection (e.g. autocommit, for CREATE/DROP DATABASE) to the server of a SQLAlchemy URL."""
    import psycopg  # only PostgreSQL needs it

    url = make_url(database_url)
    return psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, dbname=url.database, **options
    )


def engine_from_settings(settings) -> Engine:
    """The engine of the configured database, with the configured pool."""
    return make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=settings.db_pool_recycle_seconds,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: Callable[[], Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ensure_ready(engine: Engine) -> None:
    """Raise ``DatabaseNotReady`` with a one-line reason when the database is unreachable or unmigrated."""
    try:
        with read_only_connection(engine) as connection:  # SQLite: no write lock, so no wait behind a writer
            tables = set(inspect(connection).get_table_names())
    except OperationalError as exc:
        reason = database_error_reason(exc)
        raise DatabaseNotReady(f"Database {engine.url.render_as_string()} is unreachable: {reason}") from exc
    if "alembic_version" not in tables or "cases" not in tables:
        raise DatabaseNotReady(f"Database {engine.url.render_as_string()} is not migrated; run `phananh migrate` first")


def database_error_reason(exc: BaseException) -> str:
    """The first line of what the database driver said about an error, for logs and one-line messages."""
    origin = getattr(exc, "orig", None)
    lines = str(origin).strip().splitlines() if origin else []
    return lines[0] if lines else str(exc)


def is_write_lock_timeout(exc: BaseException) -> bool:
    """True when a database error means SQLite's write lock was busy (a retry may succeed)."""
    return "locked" in str(getattr(exc, "orig", None) or "")


def ping(session: Session) -> str:
    """Ask the database a trivial question; the name of its dialect (``sqlite``, ``postgresql``) when it answers."""
    session.connection(execution_options={READ_ONLY: True})  # a plain read: no write lock on SQLite
    session.execute(text("SELECT 1"))
    return session.get_bind().dialect.name


LIKE_ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with ``%`` and ``_`` in it taken literally (escape LIKE_ESCAPE)."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")
    return f"%{escaped}%"


def rows_matched(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched.

    ``Session.execute`` is typed as returning a plain ``Result``; for these statements it is a ``CursorResult``,
    which carries the row count.
    """
    return cast(CursorResult[Any], result).rowcount
