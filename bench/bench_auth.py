"""Benchmark: the acting person's look-ups of one request, the four statements of before against today's.

Per request the API resolves who asks: the token's revocation, the user, their units and the units below them.
Before, that was four statements (``is_revoked``, ``active_user`` with its ``selectin`` units,
``subtree_unit_ids``). A page now takes two (``signed_in_user``: the user with the revocation as an EXISTS column;
``actor_for``: the own units joined to their subtree by materialized path), a bearer request one
(``signed_in_actor``: the same joins, outer, on the user's row). All run here on the same database, in alternating
rounds, each look-up in a fresh session as a request has; the table shows µs of CPU and of wall time per look-up,
the statements per look-up, and the CPU ratio of before ÷ each.
"""

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from machine import cpu_model
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import RevokedToken, User
from engine.people.auth import Actor, actor_for, create_user, signed_in_actor
from engine.people.sessions import SignedToken, is_revoked
from engine.people.signed_in import signed_in_user
from engine.people.units import create_unit, subtree_unit_ids

DISTRICTS, WARDS, REVOKED = 20, 10, 2000
PASSWORD = "bench-password-1"
TOKEN = SignedToken(username="", token_id="not-revoked", expires_at=datetime(2100, 1, 1, tzinfo=UTC))


def seed(factory: sessionmaker[Session]) -> None:
    """A city of DISTRICTS × WARDS units, an officer of one ward and a supervisor of the city, REVOKED revocations."""
    with transaction(factory) as session:
        city = create_unit(session, code="city", name="city")
        ward = city
        for d in range(DISTRICTS):
            district = create_unit(session, code=f"d{d}", name=f"d{d}", parent=city)
            for w in range(WARDS):
                ward = create_unit(session, code=f"w{d}_{w}", name=f"w{d}_{w}", parent=district)
        create_user(session, username="officer", password=PASSWORD, roles=["officer"], units=[ward])
        create_user(session, username="supervisor", password=PASSWORD, roles=["supervisor"], units=[city])
        later = datetime.now(UTC) + timedelta(days=1)
        session.add_all(RevokedToken(token_id=f"revoked-{n}", expires_at=later) for n in range(REVOKED))


def four_statements(session: Session, username: str) -> Actor | None:
    """The look-ups as they were: revocation, user (``active_user``, since removed), the user's units (selectin),
    the subtree."""
    if is_revoked(session, TOKEN):
        return None
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.is_active:
        return None
    units = list(user.units)
    return Actor(
        username=user.username,
        roles=frozenset(user.roles),
        unit_ids=frozenset(u.id for u in units),
        visible_unit_ids=frozenset(subtree_unit_ids(session, units)),
    )


def two_statements(session: Session, username: str) -> Actor | None:
    """The look-ups as they are: ``signed_in_user`` then ``actor_for``."""
    user = signed_in_user(session, username=username, token_id=TOKEN.token_id)
    return actor_for(session, user) if user is not None else None


def one_statement(session: Session, username: str) -> Actor | None:
    """A bearer request's look-up as it is: ``signed_in_actor``."""
    return signed_in_actor(session, username=username, token_id=TOKEN.token_id)


LOOKUPS = (
    ("four", four_statements, "before: 4 statements"),
    ("two", two_statements, "a page: 2 statements"),
    ("one", one_statement, "a bearer token: 1 statement"),
)


@contextmanager
def counted(factory: sessionmaker[Session]) -> Iterator[list[int]]:
    """A one-element list counting the statements sent while inside."""
    count = [0]
    bind = factory.kw["bind"]

    def record(*args) -> None:
        count[0] += 1

    event.listen(bind, "before_cursor_execute", record)
    try:
        yield count
    finally:
        event.remove(bind, "before_cursor_execute", record)


def measure(
    factory: sessionmaker[Session], lookup: Callable[[Session, str], Actor | None], username: str, count: int
) -> tuple[float, float, float]:
    """CPU µs, wall µs and statements per look-up, over ``count`` look-ups each in a fresh session."""
    with counted(factory) as statements:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            with factory() as session:
                assert lookup(session, username) is not None
                session.rollback()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu / count * 1e6, wall / count * 1e6, statements[0] / count


def bench(database: str, url: str, count: int, rounds: int) -> list[list[str]]:
    """The table rows of one database."""
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        seed(factory)
        rows = []
        for username in ("officer", "supervisor"):
            with factory() as session:
                actors = [lookup(session, username) for _name, lookup, _label in LOOKUPS]
                assert actors[0] == actors[1] == actors[2], actors  # the same actor every way
            totals = {name: [0.0, 0.0, 0.0] for name, _lookup, _label in LOOKUPS}
            measure(factory, one_statement, username, count // 10)  # warm-up
            for _ in range(rounds):  # alternating, so load from elsewhere falls on all alike
                for name, lookup, _label in LOOKUPS:
                    for i, value in enumerate(measure(factory, lookup, username, count)):
                        totals[name][i] += value / rounds
            visible = len(actors[0].visible_unit_ids) if actors[0] else 0
            for name, _lookup, label in LOOKUPS:
                cpu, wall, statements = totals[name]
                ratio = "" if name == "four" else f"{totals['four'][0] / cpu:.2f}×"
                rows.append([database, f"{username} ({visible} units)", label, f"{statements:.1f}", f"{cpu:.0f}",
                             f"{wall:.0f}", ratio])  # fmt: skip
        return rows
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="look-ups per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    print(f"CPU {cpu_model()}, {os.cpu_count()} cores, load average {' '.join(map(str, os.getloadavg()))}")
    rows: list[list[str]] = []
    with sqlite_database() as url:
        rows += bench("SQLite", url, args.count, args.rounds)
    if not args.no_postgres:
        with postgres_database() as url:
            rows += bench("PostgreSQL", url, args.count, args.rounds)
    header = ["database", "actor", "look-ups", "statements", "CPU µs", "wall µs", "before ÷ this (CPU)"]
    print(aligned_table([header, *rows], numeric={3, 4, 5, 6}))


if __name__ == "__main__":
    main()
