"""Throwaway PostgreSQL databases for tests: a migrated, seeded template per session, a copy per test.

PHANANH_TEST_POSTGRES_URL (default: the local server's ``test`` database) names the server. When that variable
is set (CI sets it), an unreachable server fails the run instead of skipping the PostgreSQL half.
"""

import os
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy.engine import make_url

from engine.core.db import make_engine, psycopg_connection
from engine.core.migrate import upgrade_to_head
from tests.factories import seed_world

ADMIN_URL = os.environ.get("PHANANH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def admin_connection() -> psycopg.Connection:
    """An autocommit connection to the server's admin database."""
    return psycopg_connection(ADMIN_URL, autocommit=True, connect_timeout=5)


def database_url(name: str) -> str:
    """The SQLAlchemy URL of a database on the test server."""
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def require_server() -> psycopg.Connection:
    """An admin connection, or skip (fail in CI) when the server is unreachable."""
    try:
        return admin_connection()
    except psycopg.OperationalError as exc:
        if "PHANANH_TEST_POSTGRES_URL" in os.environ:
            pytest.fail(f"PostgreSQL at {ADMIN_URL} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}")


AHEAD = 2  # copies in the making: over tests/web's 165 PostgreSQL tests, 2.3 s of waiting in all (17.8 s with one)


class TemplateCopies:
    """Fresh copies of one template database, each made ahead of the test that takes it.

    ``CREATE DATABASE … TEMPLATE`` spends most of its 0.1–0.5 s waiting for the server to write the copy to disk;
    background threads make the next copies (and drop the used ones) while a test runs, so a test waits only
    when it took its copy faster than the server made it. Every test still gets a copy no one used before.
    """

    def __init__(self, template: str) -> None:
        self.template = template
        self._server = ThreadPoolExecutor(max_workers=AHEAD, thread_name_prefix="pg-copies")
        self._ready: deque[Future[str]] = deque(self._server.submit(self._create) for _ in range(AHEAD))

    def _create(self) -> str:
        name = f"phananh_t_{uuid.uuid4().hex[:10]}"
        with admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    @staticmethod
    def _drop(name: str) -> None:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def take(self) -> str:
        """The name of a fresh copy; the next one is started at once."""
        name = self._ready.popleft().result()
        self._ready.append(self._server.submit(self._create))
        return name

    def give_back(self, name: str) -> None:
        """Drop a used copy in the background."""
        self._server.submit(self._drop, name)

    def close(self) -> None:
        """Drop the copies made ahead and wait for every drop (the template can be dropped afterwards)."""
        for made in self._ready:
            self.give_back(made.result())
        self._server.shutdown(wait=True)


@contextmanager
def template_database() -> Iterator[TemplateCopies]:
    """A migrated and seeded database to copy from, with its copies; dropped afterwards."""
    admin = require_server()
    name = f"phananh_tpl_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    copies = None
    try:
        engine = make_engine(database_url(name))
        upgrade_to_head(engine)
        engine.dispose()
        seed_world(database_url(name))
        copies = TemplateCopies(name)
        yield copies
    finally:
        if copies is not None:
            copies.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def copy_of(copies: TemplateCopies) -> Iterator[str]:
    """The URL of a fresh copy of the template; dropped afterwards."""
    name = copies.take()
    try:
        yield database_url(name)
    finally:
        copies.give_back(name)
