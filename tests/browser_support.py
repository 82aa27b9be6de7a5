"""Shared set-up of the browser tests: a SQLite database with the deployed processes and the demo data.

tests/test_browser.py builds the same database inline; it can switch to :func:`demo_database_url` at merge time.
"""

from pathlib import Path

from engine.db import make_engine, make_session_factory
from engine.demo import load_demo
from engine.deployment import deploy_path
from engine.migrate import upgrade_to_head
from engine.services import build_services
from engine.settings import PROJECT_ROOT, Settings


def demo_database_url(folder: Path) -> str:
    """A migrated SQLite database in ``folder`` with every process deployed and the demo cases loaded."""
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    services = build_services(Settings(database_url=url))
    factory = make_session_factory(engine)
    with factory() as session:
        deploy_path(session, PROJECT_ROOT / "processes", forms=services.forms)
        session.commit()
    load_demo(factory, services)
    engine.dispose()
    return url
