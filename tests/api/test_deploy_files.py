"""The deploy/ files call the CLI with options it really has."""

import re

import pytest
from typer.testing import CliRunner

from api.cli import app
from engine.core.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def phananh_commands() -> list[list[str]]:
    found = []
    for path in [*DEPLOY.glob("systemd/*.service"), DEPLOY / "docker-compose.yml", DEPLOY / "Dockerfile"]:
        text = path.read_text(encoding="utf-8")
        for line in re.findall(r"phananh (\w[\w-]*(?: [^\n\"\]&]*)?)", text):
            found.append(line.split())
        for line in re.findall(r'\["phananh", ([^\]]*)\]', text):
            found.append([part.strip().strip('"') for part in line.split(",")])
    return found


@pytest.mark.parametrize("command", phananh_commands(), ids=lambda c: " ".join(c))
def test_every_deploy_command_uses_existing_options(command):
    help_text = CliRunner().invoke(app, [command[0], "--help"], terminal_width=200).output
    assert "Usage" in help_text, f"phananh {command[0]} does not exist"
    for option in (part for part in command[1:] if part.startswith("--")):
        assert option in help_text, f"phananh {command[0]} has no option {option}"


def test_several_web_processes_on_sqlite_are_refused_with_one_line(tmp_path, monkeypatch):
    from engine.core.settings import get_settings

    monkeypatch.setenv("PHANANH_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(app, ["migrate"]).exit_code == 0
        result = runner.invoke(app, ["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1 and "need PostgreSQL" in result.output
