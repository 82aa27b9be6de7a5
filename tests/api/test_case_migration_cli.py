"""`phananh migrate-cases`: a dry run per case, then a batch that moves the running demo cases."""

from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app
from engine.core.db import make_engine, make_session_factory
from engine.core.models import Case
from engine.core.settings import get_settings
from tests.migration_fixtures import DEADLINE_V2, MIGRATION_FIXTURES


def test_migrate_cases_dry_run_then_batch_moves_the_running_demo_cases(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PHANANH_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        for command in (["migrate"], ["deploy"], ["demo"], ["deploy", str(MIGRATION_FIXTURES / DEADLINE_V2)]):
            assert runner.invoke(app, command).exit_code == 0, command
        dry = runner.invoke(app, ["migrate-cases", "report_1374", "--to-version", "2", "--dry-run"])
        moved = runner.invoke(app, ["migrate-cases", "report_1374", "--to-version", "2"])
        again = runner.invoke(app, ["migrate-cases", "report_1374", "--to-version", "2"])
        resumed = runner.invoke(app, ["migrate-cases", "--batch", "1"])
        missing = runner.invoke(app, ["migrate-cases", "report_1374"])
    finally:
        get_settings.cache_clear()

    assert dry.exit_code == 0 and "4 of 4 case(s) can move to v2" in dry.output
    assert moved.exit_code == 0 and "batch 1: done; 4 moved, 0 failed of 4" in moved.output
    assert again.exit_code == 1 and "No running case of process 'report_1374' can move to version 2" in again.output
    assert resumed.exit_code == 0 and "batch 1: done; 4 moved, 0 failed of 4" in resumed.output
    assert missing.exit_code == 1 and "--to-version" in missing.output
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        versions = sorted(
            (case.status, case.process_version)
            for case in session.scalars(select(Case).where(Case.process_key == "report_1374"))
        )
    engine.dispose()
    assert versions == [("completed", 1), ("completed", 1), *[("in_progress", 2)] * 4]
