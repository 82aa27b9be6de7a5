"""The modules here share one world per backend among their tests, which only read what a module-scoped fixture
built (a seeded table of tasks, a walked example): these fixtures replace the per-test ``database_url`` and
``world`` of ``tests/conftest.py``, so the building happens once per module and backend, not once per test."""

import pytest

from tests import postgres
from tests.factories import World, migrated_copy, open_world


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """One fresh migrated and seeded database per backend for the whole module."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("module_world")
        yield migrated_copy(request.getfixturevalue("sqlite_template"), folder / "phananh.db")
        return
    with postgres.copy_of(request.getfixturevalue("postgres_template")) as url:
        yield url


@pytest.fixture(scope="module")
def world(database_url) -> World:
    """The module's world (units, people, processes, a manual clock) over its database."""
    world = open_world(database_url)
    yield world
    world.factory.kw["bind"].dispose()
