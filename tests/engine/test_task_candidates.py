"""Who may take a task: the database narrows to the members of the task's unit and the units above it."""

from sqlalchemy import event, select

from engine.core.models import Unit, User
from engine.people.assignees import candidates_for, user_sees_unit
from engine.people.auth import create_user
from engine.people.units import unit_by_code


def _by_definition(session, role: str | None, unit_id: int) -> list[str]:
    """Every active user holding the role whose units include ``unit_id`` or a unit above it."""
    users = session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.username))
    return [u.username for u in users if (role is None or role in u.roles) and user_sees_unit(session, u, unit_id)]


def test_candidates_are_exactly_the_active_role_holders_of_the_unit_and_the_units_above(world):
    with world.factory() as session:
        city, d1, w11 = (unit_by_code(session, code) for code in ("city", "d1", "w11"))
        create_user(session, username="officer_w11", password="pw-12345678", roles=["officer"], units=[w11])
        create_user(session, username="officer_city", password="pw-12345678", roles=["officer"], units=[city])
        create_user(session, username="gone", password="pw-12345678", roles=["officer"], units=[d1])
        session.scalars(select(User).where(User.username == "gone")).one().is_active = False
        session.flush()
        units = session.scalars(select(Unit)).all()
        for unit in units:
            for role in (None, "officer", "supervisor", "team_lead", "custodian"):
                found = [u.username for u in candidates_for(session, role=role, unit_id=unit.id)]
                assert found == _by_definition(session, role, unit.id), (unit.code, role)
        officers_of_w11 = [u.username for u in candidates_for(session, role="officer", unit_id=w11.id)]
        assert {"officer_w11", "officer1", "officer_city"} <= set(officers_of_w11) and "gone" not in officers_of_w11
        assert candidates_for(session, role="officer", unit_id=10**9) == []
        session.rollback()


def test_finding_candidates_takes_the_same_statements_however_many_people_work_elsewhere(world):
    with world.factory() as session:
        d1, d2 = unit_by_code(session, "d1"), unit_by_code(session, "d2")
        statements: list[str] = []
        event.listen(session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))

        def count() -> int:
            session.expunge_all()
            statements.clear()
            candidates_for(session, role="officer", unit_id=d1.id)
            return len(statements)

        before = count()
        for number in range(30):
            create_user(session, username=f"elsewhere{number}", password="pw-12345678", roles=["officer"], units=[d2])
        session.flush()
        assert count() == before
        session.rollback()
