"""Backups while the app serves: every completion acknowledged before the backup began is in the restored copy."""

import threading
import time
import uuid

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as cli
from engine.cases.audit import verify_chain
from engine.core.backup import BackupFailed, backup_database, restore_database
from engine.core.db import make_engine, make_session_factory
from engine.core.models import Case, HumanTask
from engine.core.settings import get_settings
from tests import postgres
from tests.cases import SCREEN_IN, complete, start_report

CASES = 16


@pytest.fixture
def fresh_database(world, tmp_path):
    """An empty database of the world's kind to restore into."""
    if world.settings.database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    admin = postgres.require_server()
    name = f"phananh_restore_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres.database_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_a_backup_during_completions_holds_every_completion_acknowledged_before_it(world, tmp_path, fresh_database):
    case_ids = [start_report(world) for _ in range(CASES)]
    acknowledged: list[int] = []
    failures: list[BaseException] = []

    def complete_screenings() -> None:
        try:
            for case_id in case_ids:
                complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
                acknowledged.append(case_id)  # the transaction has committed
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    load = threading.Thread(target=complete_screenings)
    load.start()
    while len(acknowledged) < CASES // 4 and load.is_alive():
        time.sleep(0.01)
    acknowledged_before_backup = list(acknowledged)
    backup = backup_database(world.settings.database_url, tmp_path / "phananh.backup")
    load.join()
    assert not failures, failures
    assert backup.size_bytes > 0 and acknowledged_before_backup

    restore_database(fresh_database, backup.path)
    restored = make_engine(fresh_database)
    try:
        with make_session_factory(restored)() as session:
            completed = set(session.scalars(select(HumanTask.case_id).where(
                HumanTask.spec_name == "screen_report", HumanTask.state == "completed")))  # fmt: skip
            assert set(acknowledged_before_backup) <= completed
            case_count = 0
            for case_id in session.scalars(select(Case.id)):
                case_count += 1
                assert verify_chain(session, case_id).valid, case_id
            assert case_count >= CASES
    finally:
        restored.dispose()


def test_backup_and_restore_from_the_command_line_keep_the_instance_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("PHANANH_DATABASE_URL", f"sqlite:///{tmp_path / 'live.db'}")
    monkeypatch.delenv("PHANANH_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        assert runner.invoke(cli, ["migrate"]).exit_code == 0
        secret = (tmp_path / "live.db.secret").read_text()
        saved = runner.invoke(cli, ["backup", str(tmp_path / "saved" / "live.backup")])
        assert saved.exit_code == 0 and "with the instance secret" in saved.output
        (tmp_path / "live.db.secret").unlink()
        (tmp_path / "live.db").unlink()
        restored = runner.invoke(cli, ["restore", str(tmp_path / "saved" / "live.backup")])
        assert restored.exit_code == 0 and "secret was restored" in restored.output
        assert (tmp_path / "live.db.secret").read_text() == secret
        assert runner.invoke(cli, ["deploy"]).exit_code == 0  # the restored database is at the newest schema
        missing = runner.invoke(cli, ["restore", str(tmp_path / "nothing.backup")])
        assert missing.exit_code == 1 and "No backup file" in missing.output
    finally:
        get_settings.cache_clear()


def test_a_missing_database_or_an_in_memory_one_cannot_be_backed_up(tmp_path):
    with pytest.raises(BackupFailed, match="does not exist"):
        backup_database(f"sqlite:///{tmp_path / 'none.db'}", tmp_path / "b")
    with pytest.raises(BackupFailed, match="in-memory"):
        backup_database("sqlite://", tmp_path / "b")
