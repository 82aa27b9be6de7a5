"""Throwaway PostgreSQL databases for tests: a migrated, seeded template per session, a copy per test.

PHANANH_TEST_POSTGRES_URL (default: the local server's ``test`` database) names the server. When that variable
is set (CI sets it), an unreachable server fails the run instead of skipping the PostgreSQL half.
"""

import os
import uuid
from collections.abc import Iterator
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


@contextmanager
def template_database() -> Iterator[str]:
    """A migrated and seeded database to copy from; dropped afterwards."""
    admin = require_server()
    name = f"phananh_tpl_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        engine = make_engine(database_url(name))
        upgrade_to_head(engine)
        engine.dispose()
        seed_world(database_url(name))
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def copy_of(template: str) -> Iterator[str]:
    """A fresh database copied from ``template``; dropped afterwards."""
    name = f"phananh_t_{uuid.uuid4().hex[:10]}"
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield database_url(name)
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
