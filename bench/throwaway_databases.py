"""Throwaway databases for the benchmarks: a temporary SQLite file, or a new PostgreSQL database dropped afterwards."""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from engine.core.db import psycopg_connection

ADMIN_URL = os.environ.get("PHANANH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def admin_connection() -> psycopg.Connection:
    """An autocommit connection to the PostgreSQL server's admin database."""
    return psycopg_connection(ADMIN_URL, autocommit=True, connect_timeout=5)


def postgres_version() -> str:
    """The server's version string, e.g. ``15.20``."""
    with admin_connection() as admin:
        return admin.execute("SHOW server_version").fetchone()[0]


@contextmanager
def postgres_database(prefix: str = "phananh_bench") -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its SQLAlchemy URL and drops it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(prefix: str = "phananh_bench_") -> Iterator[str]:
    """A new SQLite file in a temporary folder; yields its URL."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"
