"""Shared fixtures: every test gets its own migrated database (SQLite and PostgreSQL) and a manual clock."""

import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.app import create_app
from engine.people.auth import use_password_hasher
from tests import postgres
from tests.factories import PASSWORD, World, migrate_template, migrated_copy, open_world
from tests.web_session import Browser

# The suite creates and signs in thousands of accounts: they are hashed with argon2's cheapest parameters. Each hash
# keeps its parameters, so signing in runs the same code as in production.
use_password_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Steps issue official documents (LibreOffice, signing) only in the tests marked ``issues_documents``: the
    others walk cases to count or show them, and issuing would double the suite's time. Set before the test's
    fixtures, so its world, its in-process app and the servers it starts all follow it."""
    issuing = item.get_closest_marker("issues_documents") is not None
    os.environ["PHANANH_ISSUE_DOCUMENTS"] = "true" if issuing else "false"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's hook, which writes each test's group into its id
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep a module's tests on one xdist worker only where they share a module-scoped fixture (a browser, a
    server, a converter), so it starts once; every other test is handed to whichever worker is free
    (``--dist loadgroup``), so a long file no longer runs alone at the end of the suite."""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures is None:
            continue
        scopes = {definition.scope for definitions in fixtures.name2fixturedefs.values() for definition in definitions}
        if scopes & {"module", "class", "package"}:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> object:
    """One migrated and seeded SQLite file, copied for each test."""
    return migrate_template(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture(scope="session")
def postgres_template():
    """One migrated and seeded PostgreSQL database, copied for each test (each copy made ahead, in the background)."""
    with postgres.template_database() as copies:
        yield copies


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh migrated and seeded database for one test, on each backend."""
    if request.param == "sqlite":
        yield migrated_copy(request.getfixturevalue("sqlite_template"), tmp_path / "phananh.db")
        return
    with postgres.copy_of(request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture
def world(database_url) -> World:
    """Units, people and the deployed 1374 process, with a manual clock."""
    world = open_world(database_url)
    yield world
    world.factory.kw["bind"].dispose()


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


@pytest.fixture
def web(world):
    """A factory of cookie-keeping browsers on the app wired to the test world."""
    app = create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)
    with TestClient(app) as client:
        yield lambda: Browser(TestClient(app, cookies={}))
        client.close()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium (the module imports tests.browser_support, which skips without it)."""
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, playwright_api

    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where browser tests save screenshots: $PHANANH_SCREENSHOTS (the README's), else a temporary folder."""
    folder = Path(os.environ.get("PHANANH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
