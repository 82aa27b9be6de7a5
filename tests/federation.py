"""Test helpers for federation: a second instance's database, instance keys, peers registered both ways."""

from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from engine.cases.identity import IdentityVault
from engine.core.db import make_engine, make_session_factory, transaction
from engine.federation.keys import create_instance_identity
from engine.federation.peers import add_peer
from tests import postgres
from tests.factories import TEST_SECRET_KEY, migrated_copy

VAULT = IdentityVault(TEST_SECRET_KEY)


@contextmanager
def other_database(request, tmp_path, like_url: str, name: str = "other"):
    """A second migrated, seeded database on the backend of ``like_url``."""
    if like_url.startswith("sqlite"):
        yield migrated_copy(request.getfixturevalue("sqlite_template"), tmp_path / f"{name}.db")
        return
    with postgres.copy_of(request.getfixturevalue("postgres_template")) as url:
        yield url


def factory_of(url: str) -> sessionmaker[Session]:
    """A session factory on ``url``."""
    return make_session_factory(make_engine(url))


def make_instance(factory: sessionmaker[Session], name: str, now: datetime) -> str:
    """Give the instance of ``factory`` its federation name and keys; returns its public key token."""
    with transaction(factory) as session:
        return create_instance_identity(session, VAULT, name=name, now=now).public_key


def register(
    factory: sessionmaker[Session], *, name: str, url: str, key: str, now: datetime, upward: bool = False
) -> None:
    """Register a peer in the instance of ``factory`` (``upward``: the instance it reports to)."""
    with transaction(factory) as session:
        add_peer(session, name=name, url=url, public_key=key, added_by="test", now=now, upward=upward)
