"""Absences (vắng mặt) and deputies (ủy quyền): who is away, over which days, and who takes their tasks meanwhile.

An absence covers whole days, ``starts_on`` to ``ends_on`` inclusive, in the unit's time zone (the calendar's
zone, ``Asia/Ho_Chi_Minh``). While it runs, a task that would be assigned to the absent person by name (a
process variable naming them, a team lead's assignment) goes to the deputy instead: ``delegation_for`` answers
who. The absent person may still claim and complete tasks: being away does not lock anyone out.

The deputy must be active, someone else, share a case-handling role and a unit with the absent person, and not
be away (nor the deputy of someone else's absence) over the same days; absences of one person never overlap, and
nobody is both away and a deputy over the same days, so a task is never delegated twice. Moving the tasks already
open (``hand_over_tasks``) is in ``engine/cases/delegation.py``, with the case audit it needs.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, Conflict, NotFound
from engine.core.models import Absence, User, UserUnit
from engine.notifications.enums import NotificationKind
from engine.notifications.inbox import notify
from engine.people.assignees import find_user, user_sees_unit
from engine.people.auth import Actor
from engine.people.permissions import ASSIGNERS, CASE_HANDLERS, can_manage_absence, require

REASON_MAX = 500
LONGEST_ABSENCE_DAYS = 366
LIST_LIMIT = 200


class AbsenceStatus(StrEnum):
    """Where an absence stands on a given day."""

    UPCOMING = "upcoming"
    CURRENT = "current"
    ENDED = "ended"
    CANCELLED = "cancelled"


class AbsenceRefused(BadRequest):
    """An absence that cannot be declared as given; ``code`` and ``values`` let a page word it in its language."""

    def __init__(self, code: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.code, self.values = code, values


class AbsenceConflict(Conflict):
    """An absence that clashes with another one (overlap, a deputy away), or is no longer open to the action."""

    def __init__(self, code: str, message: str, **values: object) -> None:
        super().__init__(message)
        self.code, self.values = code, values


@dataclass(frozen=True)
class Delegation:
    """A task meant for ``absent`` goes to ``deputy`` because of the absence ``absence_id``."""

    absence_id: int
    absent: str
    deputy: str


def local_day(at: datetime, zone: ZoneInfo) -> date:
    """The day ``at`` falls on in ``zone``."""
    return at.astimezone(zone).date()


def absence_status(absence: Absence, today: date) -> AbsenceStatus:
    """Whether the absence is cancelled, still to come, running or over on ``today``."""
    if absence.cancelled_at is not None:
        return AbsenceStatus.CANCELLED
    if today < absence.starts_on:
        return AbsenceStatus.UPCOMING
    return AbsenceStatus.CURRENT if today <= absence.ends_on else AbsenceStatus.ENDED


def _show(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _handles_cases(user: User) -> set[str]:
    return set(user.roles) & set(CASE_HANDLERS)


def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise AbsenceRefused("reason_missing", "A reason is required (field 'reason')")
    if len(text) > REASON_MAX:
        raise AbsenceRefused(
            "reason_too_long", f"The reason is too long: at most {REASON_MAX} characters (field 'reason')",
            limit=REASON_MAX,
        )  # fmt: skip
    return text


def _check_period(starts_on: date, ends_on: date, today: date) -> None:
    if ends_on < starts_on:
        raise AbsenceRefused(
            "dates_reversed",
            f"The absence ends on {_show(ends_on)}, before it starts on {_show(starts_on)} "
            "(fields 'starts_on', 'ends_on')",
            starts=_show(starts_on), ends=_show(ends_on),
        )  # fmt: skip
    if ends_on < today:
        raise AbsenceRefused(
            "in_the_past",
            f"The absence ended on {_show(ends_on)}, before today ({_show(today)}): there is nothing to delegate "
            "(field 'ends_on')",
            ends=_show(ends_on), today=_show(today),
        )  # fmt: skip
    if (ends_on - starts_on).days + 1 > LONGEST_ABSENCE_DAYS:
        raise AbsenceRefused(
            "too_long", f"An absence lasts at most {LONGEST_ABSENCE_DAYS} days (fields 'starts_on', 'ends_on')",
            limit=LONGEST_ABSENCE_DAYS,
        )  # fmt: skip


def _overlapping(session: Session, column, user_id: int, starts_on: date, ends_on: date) -> Absence | None:
    """A running (not cancelled) absence whose ``column`` (absent person or deputy) is the user, over those days."""
    query = select(Absence).where(
        column == user_id, Absence.cancelled_at.is_(None), Absence.starts_on <= ends_on, Absence.ends_on >= starts_on
    )
    return session.scalars(query.order_by(Absence.starts_on)).first()


def _absent_person(session: Session, actor: Actor, username: str | None) -> User:
    name = username or actor.username
    person = find_user(session, name)
    if person is None:
        raise AbsenceRefused("no_such_person", f"No active user '{name}' (field 'username')", username=name)
    require(can_manage_absence, actor, person)
    if not _handles_cases(person):
        raise AbsenceRefused(
            "not_a_handler",
            f"'{name}' handles no cases (roles {', '.join(sorted(CASE_HANDLERS))}): there is nothing to delegate",
            username=name,
        )  # fmt: skip
    return person


def _check_deputy(session: Session, person: User, deputy_username: str) -> User:
    deputy = find_user(session, (deputy_username or "").strip())
    if deputy is None:
        raise AbsenceRefused(
            "no_deputy", f"No active user '{deputy_username}' to be the deputy (field 'deputy')", deputy=deputy_username
        )
    if deputy.id == person.id:
        raise AbsenceRefused(
            "deputy_is_self", "The deputy must be someone other than the absent person (field 'deputy')"
        )
    if not _handles_cases(person) & _handles_cases(deputy):
        raise AbsenceRefused(
            "deputy_role",
            f"'{deputy.username}' shares no case-handling role with '{person.username}' "
            f"({', '.join(sorted(_handles_cases(person)))}) (field 'deputy')",
            deputy=deputy.username, roles=", ".join(sorted(_handles_cases(person))),
        )  # fmt: skip
    if not {u.id for u in person.units} & {u.id for u in deputy.units}:
        raise AbsenceRefused(
            "deputy_unit", f"'{deputy.username}' works in no unit of '{person.username}' (field 'deputy')",
            deputy=deputy.username,
        )  # fmt: skip
    return deputy


def _check_no_clash(session: Session, person: User, deputy: User, starts_on: date, ends_on: date) -> None:
    if (mine := _overlapping(session, Absence.user_id, person.id, starts_on, ends_on)) is not None:
        raise AbsenceConflict(
            "overlap",
            f"'{person.username}' is already away from {_show(mine.starts_on)} to {_show(mine.ends_on)}; "
            "cancel that absence first or choose other days",
            starts=_show(mine.starts_on), ends=_show(mine.ends_on),
        )  # fmt: skip
    if (standing_in := _overlapping(session, Absence.deputy_id, person.id, starts_on, ends_on)) is not None:
        raise AbsenceConflict(
            "person_is_deputy",
            f"'{person.username}' is the deputy of '{standing_in.user.username}' from "
            f"{_show(standing_in.starts_on)} to {_show(standing_in.ends_on)}; that absence needs another deputy first",
            absent=standing_in.user.full_name or standing_in.user.username,
            starts=_show(standing_in.starts_on), ends=_show(standing_in.ends_on),
        )  # fmt: skip
    if (away := _overlapping(session, Absence.user_id, deputy.id, starts_on, ends_on)) is not None:
        raise AbsenceConflict(
            "deputy_absent",
            f"The deputy '{deputy.username}' is away from {_show(away.starts_on)} to {_show(away.ends_on)}; "
            "choose another deputy (field 'deputy')",
            deputy=deputy.full_name or deputy.username, starts=_show(away.starts_on), ends=_show(away.ends_on),
        )  # fmt: skip


def declare_absence(
    session: Session,
    actor: Actor,
    *,
    starts_on: date,
    ends_on: date,
    deputy_username: str,
    reason: str,
    now: datetime,
    zone: ZoneInfo,
    username: str | None = None,
) -> Absence:
    """Record that ``username`` (by default the actor) is away over those days, with ``deputy_username`` standing in.

    Case handlers declare their own absences; team leads and supervisors also those of the people of their units.
    The deputy is told (a ``delegation`` notification).
    """
    require(can_manage_absence, actor)
    text = _clean_reason(reason)
    _check_period(starts_on, ends_on, local_day(now, zone))
    person = _absent_person(session, actor, username)
    deputy = _check_deputy(session, person, deputy_username)
    _check_no_clash(session, person, deputy, starts_on, ends_on)
    absence = Absence(
        user_id=person.id, deputy_id=deputy.id, starts_on=starts_on, ends_on=ends_on, reason=text,
        created_by=actor.username, created_at=now,
    )  # fmt: skip
    session.add(absence)
    session.flush()
    session.refresh(absence)
    notify(
        session, [deputy.id], NotificationKind.DELEGATION,
        f"{person.full_name or person.username} vắng mặt từ {_show(starts_on)} đến {_show(ends_on)}: "
        "bạn được ủy quyền nhận các việc giao đích danh trong thời gian này.",
        now=now, link="/absences", dedupe_key=f"absence:{absence.id}:declared",
    )  # fmt: skip
    return absence


def visible_absence(session: Session, actor: Actor, absence_id: int) -> Absence:
    """An absence the actor may see (their own, one they stand in for, or of their units as an assigner), or 404."""
    absence = session.get(Absence, absence_id)
    if absence is None or not _sees(actor, absence):
        raise NotFound(f"Absence {absence_id} does not exist or is not one you may see")
    return absence


def _sees(actor: Actor, absence: Absence) -> bool:
    if actor.username in (absence.user.username, absence.deputy.username):
        return True
    return actor.has_role(*ASSIGNERS) and any(actor.sees_unit(unit.id) for unit in absence.user.units)


def cancel_absence(session: Session, actor: Actor, absence_id: int, *, now: datetime, zone: ZoneInfo) -> Absence:
    """Call an absence off: from now on tasks go to the absent person again (tasks already handed over stay)."""
    require(can_manage_absence, actor)
    absence = visible_absence(session, actor, absence_id)
    require(can_manage_absence, actor, absence)
    status = absence_status(absence, local_day(now, zone))
    if status in (AbsenceStatus.CANCELLED, AbsenceStatus.ENDED):
        raise AbsenceConflict(
            f"already_{status}", f"Absence {absence.id} is {status.value} already: there is nothing to cancel"
        )
    absence.cancelled_at, absence.cancelled_by = now, actor.username
    session.flush()
    return absence


def absences_of(session: Session, actor: Actor) -> list[Absence]:
    """The absences the actor may see, the latest first: their own, those they stand in for, and (for team leads
    and supervisors) those of the people of their units."""
    require(can_manage_absence, actor)
    me = select(User.id).where(User.username == actor.username).scalar_subquery()
    seen = [Absence.user_id == me, Absence.deputy_id == me]
    if actor.has_role(*ASSIGNERS):
        people = select(UserUnit.user_id).where(UserUnit.unit_id.in_(actor.visible_unit_ids))
        seen.append(Absence.user_id.in_(people))
    query = select(Absence).where(or_(*seen)).order_by(Absence.starts_on.desc(), Absence.id.desc())
    return list(session.scalars(query.limit(LIST_LIMIT)).unique())


def absence_at(session: Session, user_id: int, at: datetime, zone: ZoneInfo) -> Absence | None:
    """The absence (not cancelled) of a user that covers the local day of ``at``, if any."""
    day = local_day(at, zone)
    return _overlapping(session, Absence.user_id, user_id, day, day)


def deputy_for(session: Session, user_id: int, at: datetime, zone: ZoneInfo) -> User | None:
    """Who stands in for the user at ``at``: the active deputy of their absence that day, or None."""
    absence = absence_at(session, user_id, at, zone)
    return absence.deputy if absence is not None and absence.deputy.is_active else None


def delegation_for(
    session: Session, username: str, *, role: str | None, unit_id: int, at: datetime, zone: ZoneInfo
) -> Delegation | None:
    """When ``username`` is away at ``at``: the deputy who takes a task of ``role`` in ``unit_id`` instead.

    None when they are not away, or when their deputy may not take that task (lacks the role or the unit): the
    task then stays with the absent person, who may still work on it or hand it over.
    """
    person = find_user(session, username)
    if person is None:
        return None
    absence = absence_at(session, person.id, at, zone)
    if absence is None or not eligible_deputy(session, absence.deputy, role=role, unit_id=unit_id):
        return None
    return Delegation(absence_id=absence.id, absent=person.username, deputy=absence.deputy.username)


def eligible_deputy(session: Session, deputy: User, *, role: str | None, unit_id: int) -> bool:
    """True when the deputy may take a task of ``role`` in ``unit_id`` (active, holds the role, sees the unit)."""
    return deputy.is_active and (not role or role in deputy.roles) and user_sees_unit(session, deputy, unit_id)


def people_who_may_be_away(session: Session, actor: Actor) -> list[User]:
    """Whose absence the actor may declare: themselves, and for assigners the case handlers of their units."""
    if not actor.has_role(*ASSIGNERS):
        me = find_user(session, actor.username)
        return [me] if me is not None else []
    return [u for u in case_handlers_of_units(session, actor.visible_unit_ids) if can_manage_absence(actor, u)]


def case_handlers_of_units(session: Session, unit_ids: frozenset[int]) -> list[User]:
    """The active officers, team leads and supervisors who belong to one of ``unit_ids``, by username."""
    members = select(UserUnit.user_id).where(UserUnit.unit_id.in_(unit_ids))
    users = session.scalars(select(User).where(User.id.in_(members), User.is_active.is_(True)).order_by(User.username))
    return [u for u in users if _handles_cases(u)]
