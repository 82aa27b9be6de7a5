"""Absences (vắng mặt) and their deputies over REST: declare, list, cancel, hand the open tasks over."""

from fastapi import APIRouter, status

from api.delegation_schemas import AbsenceIn, AbsenceList, AbsenceOut, HandOverOut, KeptTaskOut, PersonOut
from api.deps import AbsenceManager, DbSession, Services, commit
from api.routes.cases import task_out
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.cases.delegation import hand_over_tasks
from engine.cases.queries import tracking_codes
from engine.core.models import Absence, User
from engine.people.absences import absence_status, absences_of, cancel_absence, declare_absence, local_day
from engine.services import EngineServices

router = APIRouter(prefix="/api/absences", tags=["absences"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such absence, or not one the caller may see"}}
CONFLICT = {409: {"model": ErrorOut, "description": "An overlapping absence, or the absence is over or cancelled"}}


def person_out(user: User) -> PersonOut:
    """A member of staff by full name (the username when none is recorded)."""
    return PersonOut(username=user.username, full_name=user.full_name or user.username)


def absence_out(absence: Absence, services: EngineServices) -> AbsenceOut:
    """The API view of an absence, with its status today."""
    today = local_day(services.clock.now(), services.calendar.zone)
    return AbsenceOut(
        id=absence.id, person=person_out(absence.user), deputy=person_out(absence.deputy),
        starts_on=absence.starts_on, ends_on=absence.ends_on, reason=absence.reason,
        status=absence_status(absence, today).value, created_by=absence.created_by, created_at=absence.created_at,
        cancelled_by=absence.cancelled_by, cancelled_at=absence.cancelled_at, handed_over_at=absence.handed_over_at,
    )  # fmt: skip


@router.get("", response_model=AbsenceList)
def list_absences(session: DbSession, services: Services, actor: AbsenceManager) -> AbsenceList:
    """The caller's absences, those they stand in for, and (team leads, supervisors) those of their units."""
    return AbsenceList(items=[absence_out(a, services) for a in absences_of(session, actor)])


@router.post("", response_model=AbsenceOut, status_code=status.HTTP_201_CREATED, responses=CONFLICT)
def declare(body: AbsenceIn, session: DbSession, services: Services, actor: AbsenceManager) -> AbsenceOut:
    """Declare an absence with a deputy of the same role and unit; during it, tasks named for the person go to the
    deputy."""
    absence = declare_absence(
        session, actor, username=body.username, starts_on=body.starts_on, ends_on=body.ends_on,
        deputy_username=body.deputy, reason=body.reason, now=services.clock.now(), zone=services.calendar.zone,
    )  # fmt: skip
    commit(session)
    return absence_out(absence, services)


@router.delete("/{absence_id}", response_model=AbsenceOut, responses={**NOT_FOUND, **CONFLICT})
def cancel(absence_id: int, session: DbSession, services: Services, actor: AbsenceManager) -> AbsenceOut:
    """Call an absence off (tasks already handed over stay with the deputy)."""
    absence = cancel_absence(session, actor, absence_id, now=services.clock.now(), zone=services.calendar.zone)
    commit(session)
    return absence_out(absence, services)


@router.post("/{absence_id}/hand-over", response_model=HandOverOut, responses={**NOT_FOUND, **CONFLICT})
def hand_over(absence_id: int, session: DbSession, services: Services, actor: AbsenceManager) -> HandOverOut:
    """Give every open task of the absent person to the deputy in one action, audited in each case."""
    done = hand_over_tasks(session, services, actor, absence_id)
    commit(session)
    codes = tracking_codes(session, {t.case_id for t in done.moved} | {k.task.case_id for k in done.kept})
    return HandOverOut(
        absence=absence_out(done.absence, services),
        moved=[task_out(t, codes.get(t.case_id)) for t in done.moved],
        kept=[KeptTaskOut(task=task_out(k.task, codes.get(k.task.case_id)), reason=k.reason) for k in done.kept],
    )  # fmt: skip
