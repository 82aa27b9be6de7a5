"""Shared set-up of the real-browser tests (headless Debian Chromium driven by Playwright).

A module that imports this one is skipped when Chromium or Playwright is missing (and fails in CI). The ``browser``
and ``shots`` fixtures live in conftest.py; each test module starts its own server on a copy of the demo database
(:func:`demo_database_url`).
"""

import atexit
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.core.db import make_engine, make_session_factory
from engine.core.migrate import upgrade_to_head
from engine.core.settings import PROJECT_ROOT, Settings
from engine.demo import DEMO_PASSWORD, load_demo
from engine.processes.deployment import deploy_path
from engine.services import EngineServices, build_services

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)", pytrace=False)
    pytest.skip("Debian's chromium is not installed; run `make test` as root to install it", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


_DEMO_DATABASES: dict[str, Path] = {}
"""The demo database this test process built, by the document-issuing switch it was built under."""


def demo_database_url(folder: Path, then: Callable[[Session, EngineServices], None] | None = None) -> str:
    """A migrated SQLite database in ``folder`` with every process deployed and the demo cases loaded.

    The demo is built once per test process (walking its cases takes seconds) and copied for each caller.
    ``then`` runs in one more transaction afterwards, on the copy (e.g. to deploy a version 2).
    """
    path = folder / "demo.db"
    with closing(sqlite3.connect(_built_demo_database())) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    url = f"sqlite:///{path}"
    if then is not None:
        with _opened(url) as (factory, services), factory() as session:
            then(session, services)
            session.commit()
    return url


@contextmanager
def _opened(url: str) -> Iterator[tuple[sessionmaker[Session], EngineServices]]:
    """A session factory and the services on the database at ``url``; its connections are closed afterwards."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    try:
        yield factory, build_services(Settings(database_url=url), session_factory=factory)
    finally:
        engine.dispose()


def _built_demo_database() -> Path:
    """The demo database of this process, built on first use (under the current PHANANH_ISSUE_DOCUMENTS)."""
    switch = os.environ.get("PHANANH_ISSUE_DOCUMENTS", "")
    if switch not in _DEMO_DATABASES:
        folder = Path(tempfile.mkdtemp(prefix="phananh-demo-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        url = f"sqlite:///{folder / 'demo.db'}"
        migrating = make_engine(url)
        upgrade_to_head(migrating)
        migrating.dispose()
        with _opened(url) as (factory, services):
            with factory() as session:
                deploy_path(session, PROJECT_ROOT / "processes", forms=services.forms)
                session.commit()
            load_demo(factory, services)
        _DEMO_DATABASES[switch] = folder / "demo.db"
    return _DEMO_DATABASES[switch]


def sign_in(browser, server: str, username: str, **context):
    """A new page signed in as a demo user, on the home page of their role (the inbox, the admin's accounts, or the
    designer's home)."""
    page = browser.new_context(base_url=server, locale="vi-VN", **context).new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(inbox|admin/users|designer|reception/register)$"))
    return page
