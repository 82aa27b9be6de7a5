"""The legal lifecycle of a case over REST: suspend (tạm đình chỉ), resume, terminate (đình chỉ), withdraw (rút đơn).

Each takes the decision's reason and the date written in it; the engine checks the date (not in the future, not
before the case was received) and the case's status, and records the decision in the audit trail.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbSession, Services, allowed, commit
from api.routes.cases import case_detail
from api.schemas import COMMON_RESPONSES, CaseDetail, ErrorOut
from engine.cases.lifecycle import resume_case, suspend_case, terminate_case, withdraw_case
from engine.people.auth import Actor
from engine.people.permissions import can_decide_case_course

router = APIRouter(prefix="/api/cases", tags=["cases"], responses=COMMON_RESPONSES)
CaseCourseDecider = Annotated[Actor, allowed(can_decide_case_course)]
RESPONSES: dict[int | str, dict] = {
    400: {"model": ErrorOut, "description": "No reason, or a date in the future or before the case was received"},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut, "description": "Only team leads and supervisors of the case's unit decide"},
    404: {"model": ErrorOut, "description": "No such case in your units"},
    409: {"model": ErrorOut, "description": "The case's status does not allow this decision"},
}


class DecisionIn(BaseModel):
    """A decision on the case's course: why, and the date written in the decision."""

    reason: str = Field(min_length=1, max_length=2000)
    decided_on: date


def _decide(action: Callable, case_id: int, body: DecisionIn, session, services, actor: Actor) -> CaseDetail:
    case = action(session, services, actor, case_id=case_id, reason=body.reason, decided_on=body.decided_on)
    detail = case_detail(session, services, case)
    commit(session)
    return detail


@router.post("/{case_id}/suspend", response_model=CaseDetail, responses=RESPONSES)
def suspend(case_id: int, body: DecisionIn, session: DbSession, services: Services,
            actor: CaseCourseDecider) -> CaseDetail:  # fmt: skip
    """Suspend the case (status ``suspended``): its tasks and timers wait until it is resumed."""
    return _decide(suspend_case, case_id, body, session, services, actor)


@router.post("/{case_id}/resume", response_model=CaseDetail, responses=RESPONSES)
def resume(case_id: int, body: DecisionIn, session: DbSession, services: Services,
           actor: CaseCourseDecider) -> CaseDetail:  # fmt: skip
    """Resume a suspended case: every deadline and timer moves by the days it was suspended."""
    return _decide(resume_case, case_id, body, session, services, actor)


@router.post("/{case_id}/terminate", response_model=CaseDetail, responses=RESPONSES)
def terminate(case_id: int, body: DecisionIn, session: DbSession, services: Services,
              actor: CaseCourseDecider) -> CaseDetail:  # fmt: skip
    """Terminate the resolution (status ``terminated``): no open task, no timer left."""
    return _decide(terminate_case, case_id, body, session, services, actor)


@router.post("/{case_id}/withdraw", response_model=CaseDetail, responses=RESPONSES)
def withdraw(case_id: int, body: DecisionIn, session: DbSession, services: Services,
             actor: CaseCourseDecider) -> CaseDetail:  # fmt: skip
    """Record the petitioner's withdrawal (status ``withdrawn``): no open task, no timer left."""
    return _decide(withdraw_case, case_id, body, session, services, actor)
