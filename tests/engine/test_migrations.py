"""Migrations upgrade a database that already holds cases, on SQLite and PostgreSQL, without losing them."""

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from engine.core.db import make_engine
from engine.core.migrate import upgrade_to
from engine.core.models import Base
from engine.search.schema import belongs_to_the_models
from tests import postgres


def _database_with_an_old_case(url: str) -> None:
    engine = make_engine(url)
    upgrade_to(engine, "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO units (id, code, name, path) VALUES (1, 'u', 'Đơn vị', '/1/')"))
        connection.execute(text(
            "INSERT INTO process_definitions (id, key, version, name, filename, content, content_sha256, catalog,"
            " deployed_at, deployed_by) VALUES (1, 'p', 1, 'p', 'p.bpmn', '<x/>', 'h', '{}', '2026-01-01', 'cli')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO cases (id, tracking_code, process_key, definition_id, process_version, unit_id, status,"
            " title, state, version, created_by, created_at, updated_at, audit_seq, audit_head)"
            " VALUES (1, 'PA-2026-00001', 'p', 1, 1, 1, 'in_progress', 'Cũ', '{}', 1, 'a', '2026-01-01',"
            " '2026-01-01', 0, '0')"
        ))  # fmt: skip
    upgrade_to(engine, "head")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT title, published_writing, screening FROM cases")).one()
        counted = connection.execute(text("SELECT month, figure, count FROM report_counts WHERE unit_id = 1")).all()
    engine.dispose()
    assert tuple(row) == ("Cũ", False, None)
    assert ("2026-01", "received", 1) in [tuple(r) for r in counted]  # migration 0030 counted the case


def test_upgrading_a_sqlite_database_with_cases_keeps_them(tmp_path):
    _database_with_an_old_case(f"sqlite:///{tmp_path / 'old.db'}")


def test_upgrading_a_postgresql_database_with_cases_keeps_them():
    admin = postgres.require_server()
    name = "phananh_mig_" + uuid.uuid4().hex[:8]
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _database_with_an_old_case(postgres.database_url(name))
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_the_migrations_build_exactly_the_tables_the_models_declare(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"include_name": belongs_to_the_models}), Base.metadata
        )
    engine.dispose()
    assert differences == []
