"""``phananh worker --once`` asks the database first: with nothing due it exits without loading the runtime, the
models, SpiffWorkflow or the services; with something due it does it. Checked in a subprocess via sys.modules."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from api.cli import app
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.models import Case, CaseTimer
from engine.core.settings import PROJECT_ROOT, get_settings

RUNTIME = ("engine.cases.runtime", "engine.cases.scheduler", "engine.core.models", "engine.services",
           "SpiffWorkflow", "sqlalchemy.orm")  # fmt: skip
PROBE = (
    "import json, sys\n"
    "from api.cli import app\n"
    "app(['worker', '--once'], standalone_mode=False)\n"
    f"print(json.dumps([m for m in {RUNTIME!r} if m in sys.modules]))\n"
)


@pytest.fixture
def instance(monkeypatch, tmp_path):
    """A migrated SQLite instance with the processes deployed and the demo loaded; returns its URL."""
    url = f"sqlite:///{tmp_path / 'worker.db'}"
    monkeypatch.setenv("PHANANH_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    for command in ("migrate", "deploy", "demo"):
        assert runner.invoke(app, [command]).exit_code == 0, command
    yield url
    get_settings.cache_clear()


def worker_once(url: str) -> list[str]:
    """Run ``worker --once`` in a fresh interpreter; the runtime modules it loaded."""
    env = {**os.environ, "PHANANH_DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT, env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def count(url: str, query) -> int:
    with make_session_factory(make_engine(url))() as session:
        return session.scalar(query)


def test_with_nothing_due_worker_once_exits_before_loading_the_runtime(instance):
    worker_once(instance)  # the first pass starts the periodic report's waiting instance
    assert worker_once(instance) == []


def test_a_scheduled_process_without_its_instance_is_started_by_worker_once(instance):
    periodic = select(func.count()).where(Case.process_key == "periodic_report", Case.status == "in_progress")
    assert count(instance, periodic) == 0
    assert "engine.cases.runtime" in worker_once(instance)
    assert count(instance, periodic) == 1


def test_a_due_timer_is_fired_by_worker_once(instance):
    worker_once(instance)
    factory = make_session_factory(make_engine(instance))
    with factory() as session:
        timer_id = session.scalars(select(CaseTimer.id).where(CaseTimer.status == "waiting").limit(1)).one()
    with transaction(factory) as session:
        past = datetime.now(UTC) - timedelta(minutes=1)
        session.execute(update(CaseTimer).where(CaseTimer.id == timer_id).values(fire_at=past))

    assert "engine.cases.runtime" in worker_once(instance)

    with factory() as session:
        assert session.get(CaseTimer, timer_id).status == "fired"
    assert worker_once(instance) == []


def test_the_check_reads_while_another_process_holds_sqlite_s_write_lock(instance):
    from api.cli import _anything_due

    writer = sqlite3.connect(instance.removeprefix("sqlite:///"), isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a worker in the middle of a write; --once must not queue behind it
        assert _anything_due() is True  # the periodic report's instance is not started yet
    finally:
        writer.rollback()
        writer.close()
