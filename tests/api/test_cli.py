"""The phananh command: every command has --help and fails with one line, not a traceback."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.cli import app
from engine.core.db import make_engine, make_session_factory
from engine.core.models import Case, FormSchema, HumanTask, User
from engine.core.settings import PROJECT_ROOT, get_settings

COMMANDS = ("migrate", "deploy", "lint", "demo", "serve", "worker", "create-user", "doctor", "backup", "restore",
            "documents")  # fmt: skip


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the CLI against a fresh SQLite file."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHANANH_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    invoke.url = url
    yield invoke
    get_settings.cache_clear()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_commands_on_an_unmigrated_database_fail_with_one_line(run):
    result = run("deploy")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "phananh migrate" in result.output
    assert "Traceback" not in result.output


def test_commands_on_an_unreachable_database_fail_with_one_line(run, monkeypatch):
    monkeypatch.setenv("PHANANH_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    monkeypatch.setenv("PHANANH_SECRET_KEY", "a-long-enough-secret-for-this-test-0123456789")
    get_settings.cache_clear()
    for command in (("migrate",), ("demo",), ("worker", "--once")):
        result = run(*command)
        assert result.exit_code == 1, command
        assert result.output.strip().count("\n") == 0 and "127.0.0.1" in result.output, result.output


def test_a_postgresql_database_without_a_secret_fails_with_one_line_naming_the_setting(run, monkeypatch):
    monkeypatch.setenv("PHANANH_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    monkeypatch.delenv("PHANANH_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    for command in (("migrate",), ("demo",), ("worker", "--once")):
        result = run(*command)
        assert result.exit_code == 1, command
        assert result.output.strip().count("\n") == 0 and "PHANANH_SECRET_KEY" in result.output, result.output


def test_an_sqlite_instance_generates_its_secret_once_in_a_file_only_its_owner_reads(run, tmp_path):
    assert run("migrate").exit_code == 0
    secret_file = tmp_path / "cli.db.secret"
    first = secret_file.read_text()
    assert len(first.strip()) >= 48 and secret_file.stat().st_mode & 0o777 == 0o600
    get_settings.cache_clear()
    assert run("migrate").exit_code == 0 and secret_file.read_text() == first
    assert get_settings().secret_key == first.strip()


def test_migrate_deploy_demo_loads_users_and_cases_once(run):
    assert run("migrate").exit_code == 0
    deployed = run("deploy")
    assert deployed.exit_code == 0 and "report_1374 v1: deployed" in deployed.output
    assert "report_1374 v1: unchanged" in run("deploy").output
    first = run("demo")
    assert first.exit_code == 0 and "demo signing certificates (DEMO CA, no legal value)" in first.output
    again = run("demo")
    assert again.exit_code == 0 and "already present" in again.output and "certificates" not in again.output
    with make_session_factory(make_engine(run.url))() as session:
        usernames = set(session.scalars(select(User.username)))
        assert {"officer1", "officer2", "lead1", "supervisor1", "designer1", "admin", "custodian1"} <= usernames
        statuses = set(session.scalars(select(Case.status)))
        assert statuses == {"in_progress", "completed"}
        per_process = dict(session.execute(select(Case.process_key, func.count()).group_by(Case.process_key)).all())
        assert per_process == {
            "report_1374": 6, "petition_triage": 2, "complaint": 1, "denunciation": 1, "decision_follow_up": 1,
        }  # fmt: skip
        assert session.scalar(select(func.count()).where(HumanTask.state == "ready")) == 8  # with the follow-up


def test_create_user_and_a_clear_error_for_an_unknown_unit(run):
    run("migrate")
    run("deploy")
    run("demo")
    created = run("create-user", "officer9", "--roles", "officer", "--unit", "q1", "--password", "a-long-password")
    assert created.exit_code == 0, created.output
    unknown = run("create-user", "x", "--roles", "officer", "--unit", "nowhere", "--password", "a-long-password")
    assert unknown.exit_code == 1 and "unit 'nowhere' does not exist" in unknown.output
    bad_role = run("create-user", "y", "--roles", "king", "--unit", "q1", "--password", "a-long-password")
    assert bad_role.exit_code == 1 and "Unknown role" in bad_role.output


def test_worker_once_fires_nothing_on_a_quiet_database(run):
    run("migrate")
    result = run("worker", "--once")
    assert result.exit_code == 0


def test_deploy_finds_the_forms_saved_from_the_web_editor(run, tmp_path):
    assert run("migrate").exit_code == 0
    with make_session_factory(make_engine(run.url))() as session:
        schema = {"type": "object", "properties": {"findings": {"type": "string"}}, "required": ["findings"]}
        session.add(FormSchema(name="verify_report.v2.schema.json", schema=schema, created_by="designer1",
                               created_at=datetime.now(UTC)))  # fmt: skip
        session.commit()
    original = (PROJECT_ROOT / "processes" / "report_1374.bpmn").read_text(encoding="utf-8")
    edited = tmp_path / "report_1374.bpmn"
    edited.write_text(original.replace('"verify_report.schema.json"', '"verify_report.v2.schema.json"'), "utf-8")
    assert '"verify_report.v2.schema.json"' in edited.read_text(encoding="utf-8")

    deployed = run("deploy", str(edited))

    assert deployed.exit_code == 0 and "report_1374 v1: deployed" in deployed.output, deployed.output
