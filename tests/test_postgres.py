"""The same scenarios on a real PostgreSQL server: migrations, the full procedure, timers and stale writes.

Uses PHANANH_TEST_POSTGRES_URL (default: the local server's ``test`` database) to create a throwaway
database per test from a migrated and seeded template. When that variable is set (CI sets it), an
unreachable server fails the run instead of skipping it.
"""

import os
import uuid

import psycopg
import pytest
from sqlalchemy.engine import make_url

from engine.db import make_engine
from engine.migrate import upgrade_to_head
from tests.factories import seed_world

ADMIN_URL = os.environ.get("PHANANH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _admin_connection() -> psycopg.Connection:
    url = make_url(ADMIN_URL)
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=5,
    )


def _database_url(name: str) -> str:
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def postgres_template():
    """A migrated and seeded template database, dropped at the end of the module."""
    try:
        admin = _admin_connection()
    except psycopg.OperationalError as exc:
        if "PHANANH_TEST_POSTGRES_URL" in os.environ:
            pytest.fail(f"PostgreSQL at {ADMIN_URL} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}")
    name = f"phananh_tpl_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    engine = make_engine(_database_url(name))
    upgrade_to_head(engine)
    engine.dispose()
    seed_world(_database_url(name))
    yield name
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def database_url(postgres_template):
    """A fresh copy of the template for one test (overrides the SQLite fixture of conftest)."""
    name = f"phananh_t_{uuid.uuid4().hex[:10]}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    yield _database_url(name)
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_database_under_test_is_postgresql(world):
    with world.factory() as session:
        assert session.bind.dialect.name == "postgresql"


# The scenarios below are the SQLite ones, collected again here so they run against PostgreSQL.
from tests.test_api_report_flow import (  # noqa: E402
    test_report_in_scope_with_violation_and_party_reprimand_publicized_in_writing,  # noqa: F401
    test_report_out_of_scope_is_forwarded_with_reason_and_closed,  # noqa: F401
)
from tests.test_api_task_errors import test_completing_a_task_twice_answers_409_naming_who_completed_it  # noqa: E402,F401
from tests.test_runtime import (  # noqa: E402
    test_a_script_error_puts_the_case_into_error_with_message_and_line_and_keeps_the_data,  # noqa: F401
    test_a_write_based_on_a_stale_case_version_is_refused_with_409,  # noqa: F401
    test_two_people_completing_the_same_task_at_once_one_wins_and_one_gets_409,  # noqa: F401
)
from tests.test_timers import (  # noqa: E402
    test_each_timer_fires_exactly_once,  # noqa: F401
    test_reminder_fires_at_80_percent_and_escalation_at_the_deadline,  # noqa: F401
)
