"""The people who may take a task of a role in a unit, read in SQL, are exactly those the per-user rule admits."""

from sqlalchemy import select

from engine.core.models import Unit, User
from engine.people.assignees import candidate_ids, candidates_for, user_sees_unit
from engine.people.roles import Role


def _by_the_rule(session, role: str | None, unit_id: int) -> list[int]:
    users = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username))
    return [u.id for u in users if (role is None or role in u.roles) and user_sees_unit(session, u, unit_id)]


def test_candidates_match_the_per_user_rule_for_every_unit_and_role(world):
    with world.factory() as session:
        officer = session.scalars(select(User).where(User.username == "officer2")).one()
        officer.is_active = False  # an inactive person is never a candidate
        session.flush()
        units = list(session.scalars(select(Unit.id)))
        roles = [None, *(str(role) for role in Role)]
        checked = 0
        for unit_id in [*units, max(units) + 1000]:
            for role in roles:
                expected = _by_the_rule(session, role, unit_id)
                assert candidate_ids(session, role=role, unit_id=unit_id) == expected, (unit_id, role)
                assert [u.id for u in candidates_for(session, role=role, unit_id=unit_id)] == expected
                checked += bool(expected)
        assert checked > len(units), "the demo world gives most units candidates"
        assert officer.id not in candidate_ids(session, role=None, unit_id=units[0])
