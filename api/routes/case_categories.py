"""Case categories (mass, complex, prolonged) and 1374 reports grouped under one matter, over JSON.

Who is asking: team leads and supervisors flag a case of their units; team leads and supervisors read the
dashboard; case handlers group 1374 reports. The same engine functions as the pages.
"""

from typing import Annotated

from fastapi import APIRouter

from api.deps import CaseReader, DbSession, Services, allowed, commit
from api.reception_schemas import (
    CategoriesIn,
    CategoriesOut,
    CategorizedCaseOut,
    CategoryDashboardOut,
    GroupedOut,
    GroupReportIn,
)
from api.schemas import COMMON_RESPONSES, DuplicateCandidateOut, ErrorOut
from engine.cases.categories import categories_of, category_dashboard, set_case_categories
from engine.cases.queries import visible_case
from engine.people.auth import Actor
from engine.people.permissions import can_categorize_case, can_group_reports, can_read_case_categories
from engine.petitions.report_matters import group_reports, reports_in, similar_reports

router = APIRouter(tags=["case categories"], responses=COMMON_RESPONSES)
ERRORS: dict[int | str, dict] = {
    403: {"model": ErrorOut, "description": "Not a role that may do this, or not your unit"},
    404: {"model": ErrorOut, "description": "No such case in your units"},
}
CaseCategorizer = Annotated[Actor, allowed(can_categorize_case)]
CategoryReader = Annotated[Actor, allowed(can_read_case_categories)]
ReportGrouper = Annotated[Actor, allowed(can_group_reports)]


@router.get("/api/cases/{case_id}/categories", response_model=CategoriesOut, responses=ERRORS)
def read_case_categories(case_id: int, session: DbSession, actor: CaseReader) -> CategoriesOut:
    """The categories of a case of my units."""
    case = visible_case(session, actor, case_id)
    return CategoriesOut(case_id=case.id, categories=[k.value for k in categories_of(session, case.id)])


@router.put("/api/cases/{case_id}/categories", response_model=CategoriesOut, responses=ERRORS)
def change_case_categories(
    case_id: int, body: CategoriesIn, session: DbSession, services: Services, actor: CaseCategorizer
) -> CategoriesOut:
    """Flag a case as mass, complex and/or prolonged (exactly the categories given); the change is audited."""
    kinds = set_case_categories(session, actor, case_id=case_id, categories=body.categories, at=services.clock.now())
    commit(session)
    return CategoriesOut(case_id=case_id, categories=[k.value for k in kinds])


@router.get("/api/case-categories", response_model=CategoryDashboardOut, responses={403: ERRORS[403]})
def read_category_dashboard(session: DbSession, actor: CategoryReader, category: str | None = None
                            ) -> CategoryDashboardOut:  # fmt: skip
    """The mass, complex and prolonged cases of my units by unit, with state and nearest deadline, and counts."""
    board = category_dashboard(session, actor, category=category)
    return CategoryDashboardOut(
        cases=[
            CategorizedCaseOut(
                case_id=c.case.id,
                tracking_code=c.case.tracking_code,
                title=c.case.title,
                unit_id=c.case.unit_id,
                unit_name=c.unit_name,
                status=c.case.status,
                categories=[k.value for k in c.categories],
                deadline=c.deadline,
            )  # fmt: skip
            for c in board.cases
        ],
        counts={k.value: n for k, n in board.counts.items()},
        open_counts={k.value: n for k, n in board.open_counts.items()},
    )


@router.get("/api/cases/{case_id}/similar-reports", response_model=list[DuplicateCandidateOut], responses=ERRORS)
def read_similar_reports(case_id: int, session: DbSession, actor: ReportGrouper) -> list[DuplicateCandidateOut]:
    """1374 reports of related units that look like this one (title, same subject), best first, with their matter."""
    return [DuplicateCandidateOut(**vars(c)) for c in similar_reports(session, actor, case_id=case_id)]


@router.post("/api/cases/{case_id}/matter", response_model=GroupedOut, responses=ERRORS)
def group_report(
    case_id: int, body: GroupReportIn, session: DbSession, services: Services, actor: ReportGrouper
) -> GroupedOut:
    """Put this 1374 report in the matter of another report about the same subject; audited."""
    matter = group_reports(session, actor, case_id=case_id, with_case_id=body.with_case_id, at=services.clock.now())
    commit(session)
    return GroupedOut(matter_id=matter.id, reports=reports_in(session, matter.id))
