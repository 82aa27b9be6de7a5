"""phananh doctor says in plain words what is wrong: schema, processes, timer backlog, cases in error."""

from datetime import timedelta

from engine.doctor import diagnose
from tests.cases import walk_to_verification
from tests.factories import PROCESSES


def report(world, processes_dir=PROCESSES, now=None):
    engine = world.factory.kw["bind"]
    return diagnose(engine, world.factory, processes_dir=processes_dir, now=now or world.clock.now())


def test_a_healthy_installation_reports_only_ok(world):
    findings = report(world)
    assert all(f.ok for f in findings), [str(f) for f in findings]
    assert {f.topic for f in findings} == {"database", "schema", "processes", "timers", "cases", "e-mail"}


def test_a_changed_process_file_asks_for_a_deploy(world, tmp_path):
    changed = tmp_path / "report_1374.bpmn"
    changed.write_bytes((PROCESSES / "report_1374.bpmn").read_bytes().replace(b"rework_round = 0", b"rework_round = 1"))
    (tmp_path / "appeal.bpmn").write_text("<x/>")
    messages = [str(f) for f in report(world, processes_dir=tmp_path) if not f.ok]
    assert any("report_1374.bpmn differs from deployed v1: run `phananh deploy`" in m for m in messages)
    assert any("appeal.bpmn is not deployed" in m for m in messages)


def test_late_timers_point_at_a_missing_worker(world):
    walk_to_verification(world, days=2)
    later = world.clock.now() + timedelta(days=30)
    bad = [str(f) for f in report(world, now=later) if not f.ok]
    assert len(bad) == 1 and "2 due timer(s)" in bad[0] and "phananh worker" in bad[0]


def test_doctor_command_exits_1_on_an_unmigrated_database(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app
    from engine.core.settings import get_settings

    monkeypatch.setenv("PHANANH_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["doctor"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "not migrated: run `phananh migrate`" in result.output


def test_the_published_default_secret_and_short_secrets_are_flagged_on_every_database():
    from engine.core.instance_secret import PUBLISHED_DEFAULT_SECRET
    from engine.doctor import check_secrets

    assert not check_secrets(PUBLISHED_DEFAULT_SECRET)[0].ok
    assert "published" in check_secrets(PUBLISHED_DEFAULT_SECRET)[0].message
    assert not check_secrets("short")[0].ok
    assert check_secrets("x" * 40)[0].ok
