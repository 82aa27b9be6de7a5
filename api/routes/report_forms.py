"""The statutory report forms (petition handling, complaints, denunciations, follow-ups) as JSON and XLSX."""

from datetime import date, datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.deps import DbSession, ReportReader, Services
from api.routes.reports import ERRORS, XLSX, PeriodCode
from api.schemas import COMMON_RESPONSES
from engine.reports.service import statutory_form_for
from engine.reports.statutory import StatutoryForm
from engine.reports.statutory_export import statutory_form_to_xlsx

router = APIRouter(prefix="/api/reports/forms", tags=["reports"], responses=COMMON_RESPONSES)


class FormColumnOut(BaseModel):
    """A numbered column of the form and the merged header above it ("" for none)."""

    number: int
    key: str
    label: str
    group: str


class FormRowOut(BaseModel):
    """A unit's row (or the total), a value per column key."""

    label: str
    total: bool
    values: dict[str, float]


class StatutoryFormOut(BaseModel):
    """A statutory report form of a unit and period."""

    form: str
    title: str
    unit_name: str
    period_code: str
    period_label: str
    start: date
    end: date
    generated_at: datetime
    columns: list[FormColumnOut]
    rows: list[FormRowOut]


def form_out(form: StatutoryForm) -> StatutoryFormOut:
    """The API view of a form; columns are numbered from 2, as column 1 is the unit."""
    period = form.period
    return StatutoryFormOut(
        form=form.key, title=form.title, unit_name=form.unit_name, period_code=period.code, period_label=period.label,
        start=period.start, end=period.end, generated_at=form.generated_at,
        columns=[FormColumnOut(number=i + 2, key=c.key, label=c.label, group=c.group)
                 for i, c in enumerate(form.columns)],
        rows=[FormRowOut(label=r.label, total=r.total, values=r.values) for r in form.rows],
    )  # fmt: skip


@router.get(
    "/{form}.xlsx", response_class=Response, responses={**ERRORS, 200: {"content": {XLSX: {}}}},
)  # fmt: skip
def report_form_xlsx(form: str, session: DbSession, services: Services, actor: ReportReader, period: PeriodCode,
                     unit: int | None = None) -> Response:  # fmt: skip
    """The form as an Excel sheet laid out like the printed form (merged headers, numbered columns)."""
    filled = statutory_form_for(session, services, actor, form=form, unit_id=unit, period=period)
    name = f"bieu-{filled.key}-{filled.period.code}.xlsx"
    return Response(statutory_form_to_xlsx(filled), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/{form}", response_model=StatutoryFormOut, responses=ERRORS)
def report_form(form: str, session: DbSession, services: Services, actor: ReportReader, period: PeriodCode,
                unit: int | None = None) -> StatutoryFormOut:  # fmt: skip
    """A form: ``petitions`` (xử lý đơn), ``complaints``, ``denunciations`` or ``follow_ups``, one row per unit."""
    return form_out(statutory_form_for(session, services, actor, form=form, unit_id=unit, period=period))
