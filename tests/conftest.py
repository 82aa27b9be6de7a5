"""Shared fixtures: every test gets its own migrated SQLite database and a manual clock."""

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.factories import PASSWORD, World, migrate_template, migrated_copy, open_world


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> object:
    """One migrated and seeded SQLite file, copied for each test."""
    return migrate_template(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture
def database_url(sqlite_template, tmp_path) -> str:
    """A fresh migrated SQLite database for one test."""
    return migrated_copy(sqlite_template, tmp_path / "phananh.db")


@pytest.fixture
def world(database_url) -> World:
    """Units, people and the deployed 1374 process, with a manual clock."""
    return open_world(database_url)


class ApiClient:
    """A TestClient that signs people in and remembers their tokens."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def auth(self, username: str) -> dict[str, str]:
        """Authorization headers for a seeded user."""
        if username not in self._tokens:
            response = self.client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def get(self, url: str, user: str, **kwargs):
        """GET as a user."""
        return self.client.get(url, headers=self.auth(user), **kwargs)

    def post(self, url: str, user: str, **kwargs):
        """POST as a user."""
        return self.client.post(url, headers=self.auth(user), **kwargs)


@pytest.fixture
def api(world) -> ApiClient:
    """The app wired to the test world (no background scheduler: tests fire timers themselves)."""
    app = create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)
    with TestClient(app) as client:
        yield ApiClient(client)
