"""Helpers for the reception tests: a month of ward-level sessions with visits and people counted apart."""

from datetime import date

from engine.core.db import transaction
from engine.reception.sessions import SessionCounts, record_session
from tests.factories import World

MONTH = (date(2027, 3, 1), date(2027, 3, 31))


def ward_example(world: World) -> None:
    """33 ward-level sessions in March 2027 (w11: 20, w12: 13): 41 visits, 57 people, 2 groups (6 and 7 people).

    31 regular sessions of one visit and one person, one regular session of 8 visits and 13 people with a group
    of 6, one periodic session of a leader with 2 visits and 13 people, one of them a group of 7.
    """
    actor = world.actor("officer1")
    with transaction(world.factory) as session:
        for number in range(31):
            record_session(
                session, actor, unit_id=world.units["w11" if number < 19 else "w12"],
                held_on=date(2027, 3, 1 + number % 28), kind="regular", received_by="Cán bộ tiếp dân",
                counts=SessionCounts(visits=1, people=1, matters=1), at=world.clock.now(),
            )  # fmt: skip
        record_session(
            session, actor, unit_id=world.units["w12"], held_on=date(2027, 3, 29), kind="regular",
            received_by="Cán bộ tiếp dân", counts=SessionCounts(visits=8, people=13, matters=6, group_sizes=(6,)),
            at=world.clock.now(),
        )  # fmt: skip
        record_session(
            session, actor, unit_id=world.units["w11"], held_on=date(2027, 3, 30), kind="periodic",
            received_by="Chủ tịch UBND phường", counts=SessionCounts(visits=2, people=13, matters=1, group_sizes=(7,)),
            at=world.clock.now(),
        )  # fmt: skip
