"""The periodic report of a unit: received, screening, progress, on-time rate, sanctions, publicity.

Cases count in the period they were received in (``created_at``), in the unit and every unit below it. Resolved
means in scope (within jurisdiction) and closed; the resolution rate is over the cases in scope. Progress and
lateness are judged as of the end of the period (or now, for the running period). Each figure carries the
same figure of the previous period of the same length, and a link to the list of cases it counts.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import Case, HumanTask, Unit
from engine.petitions.matters import petition_counts
from engine.processes.deployment import latest_definition
from engine.processes.forms import FormCatalog
from engine.reports.counted import (
    ENDINGS,
    PETITION_PROCESS,
    REPORT_PROCESS,
    Scope,
    ended_by,
    overdue_at,
    received_in,
    resolved_by,
)
from engine.reports.counters import read_counts
from engine.reports.model import Figure, Section, Summary
from engine.reports.overdue import FROM, UNTIL, is_boundary, overdue_at_boundary
from engine.reports.periods import Period, month_start, period_months
from engine.reports.tally import local_month

INTAKE_FORM = "receive_report.schema.json"
CONCLUSION_FORM = "conclude_verification.schema.json"
PUBLICITY_FORM = "publicize_result.schema.json"
SCREENINGS = {
    "in_scope": "Thuộc phạm vi", "out_of_scope": "Ngoài phạm vi", "duplicate": "Trùng lặp", None: "Chưa phân loại",
}  # fmt: skip


@dataclass
class PeriodCounts:
    """The raw counts of one period, from which the figures are built."""

    received: int
    by_source: Counter
    by_field: Counter
    by_screening: Counter
    party_sanctions: Counter
    state_sanctions: Counter
    publicity: Counter
    resolved: int
    overdue: int
    steps_with_deadline: int
    steps_on_time: int
    cases_closed: int
    cases_closed_on_time: int
    withdrawn: int = 0
    terminated: int = 0
    ended_in_scope: int = 0


def unit_subtree(session: Session, unit_id: int) -> tuple[Unit, list[int]]:
    """A unit and the ids of it and every unit below it."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"Unit {unit_id} does not exist")
    return unit, list(session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path))))


def _empty_counts() -> PeriodCounts:
    return PeriodCounts(0, Counter(), Counter(), Counter(), Counter(), Counter(), Counter(), 0, 0, 0, 0, 0, 0)


def count_periods(session: Session, unit_ids: list[int], periods: tuple[Period, Period], *, zone: ZoneInfo,
                  now: datetime, process_key: str, counters: bool = True,
                  overdue_counters: bool = True) -> tuple[PeriodCounts, PeriodCounts]:  # fmt: skip
    """Count the cases received in the current and the previous period.

    Every count uses the conditions of :mod:`engine.reports.counted`, as the drill-down lists do. The breakdowns,
    the resolved cases and the on-time figures come from the report counters (:mod:`engine.reports.counters`, one
    row per unit, month and code) when both periods are whole months, else (or with ``counters=False``) from the
    cases themselves; so does the overdue figure of a period judged at a month boundary (its end), unless
    ``overdue_counters=False`` (the benchmark's earlier path).
    """
    scopes = [Scope.of(unit_ids, period, zone=zone, now=now, process_key=process_key) for period in periods]
    counts = (_empty_counts(), _empty_counts())
    months = [period_months(period) for period in periods]
    from_counters = counters and all(months)
    overdue_read = from_counters and overdue_counters
    if from_counters:
        for index, scope in enumerate(scopes):
            _count_from_counters(session, counts[index], scope, months[index], zone, overdue=overdue_read)
    else:
        _count_cases(session, counts, scopes)
    for index, period in enumerate(periods):
        start, end = period.bounds(zone)
        if not (overdue_read and is_boundary(scopes[index].as_of, zone)):  # else counted from the counters
            overdue = select(func.count()).select_from(Case).where(overdue_at(scopes[index]))
            counts[index].overdue = session.scalar(overdue) or 0
        _count_ended(session, counts[index], scopes[index])
        if not from_counters:
            _count_on_time(session, counts[index], unit_ids, start, end, process_key)
    return counts


def _count_cases(session: Session, counts: tuple[PeriodCounts, PeriodCounts], scopes: list[Scope]) -> None:
    """The breakdowns and resolved cases of both periods, in one pass over the cases they received."""
    current, previous = scopes
    in_current = Case.created_at >= current.start
    received = or_(received_in(current), received_in(previous))
    bucket = case((in_current, 0), else_=1).label("bucket")
    resolved = case((and_(in_current, resolved_by(current.as_of)), 1),
                    (and_(~in_current, resolved_by(previous.as_of)), 1), else_=0).label("resolved")  # fmt: skip
    # Two narrow groupings instead of one wide one: far fewer rows come back to Python.
    intake = (Case.source, Case.field, Case.screening)
    outcome = (Case.party_sanction, Case.state_sanction, Case.published_writing, Case.published_media,
               Case.published_portal)  # fmt: skip
    query = select(bucket, *intake, resolved, func.count()).where(received).group_by(bucket, *intake, resolved)
    for index, source, field, screening, is_resolved, n in session.execute(query):
        this = counts[index]
        this.received += n
        this.by_source[source] += n
        this.by_field[field] += n
        this.by_screening[screening] += n
        this.resolved += n if is_resolved else 0
    query = select(bucket, *outcome, func.count()).where(received).group_by(bucket, *outcome)
    for index, party, state, writing, media, portal, n in session.execute(query):
        this = counts[index]
        if party:
            this.party_sanctions[party] += n
        if state:
            this.state_sanctions[state] += n
        this.publicity["writing"] += n if writing else 0
        this.publicity["media"] += n if media else 0
        this.publicity["portal"] += n if portal else 0


def _count_from_counters(session: Session, counts: PeriodCounts, scope: Scope, months: list[str], zone: ZoneInfo,
                         *, overdue: bool = True) -> None:  # fmt: skip
    """The breakdowns, resolved cases and on-time figures of one period from the counters of its months.

    A case resolved in an earlier month than the "as of" moment's is counted by its counter; one resolved in that
    month before that moment (the running period) by a look at the cases closed since the month began. The overdue
    cases are counted here when the "as of" moment is a month boundary (else :func:`count_periods` counts them).
    """
    as_of_month = local_month(scope.as_of, zone)
    breakdowns = {"by_source": counts.by_source, "by_field": counts.by_field, "screening": counts.by_screening,
                  "party_sanctions": counts.party_sanctions, "state_sanctions": counts.state_sanctions,
                  "publicity": counts.publicity}  # fmt: skip
    rows = read_counts(session, zone=zone, unit_ids=scope.unit_ids, process_key=scope.process_key, months=months)
    if overdue and is_boundary(scope.as_of, zone):  # a past period, judged at a month boundary (the spells' unit)
        spells = [row for row in rows if row[0] in (FROM, UNTIL)]
        counts.overdue = overdue_at_boundary(spells, as_of_month)
    for figure, code, n in rows:
        if figure == "received":
            counts.received += n
        elif figure == "resolved":
            counts.resolved += n if code < as_of_month else 0
        elif figure in breakdowns:
            breakdowns[figure][code or None] += n
        elif figure == "steps":
            counts.steps_with_deadline += n
            counts.steps_on_time += n if code == "on_time" else 0
        elif figure == "closed":
            counts.cases_closed += n
            counts.cases_closed_on_time += n if code == "on_time" else 0
    month_began = month_start(scope.as_of, zone)
    if month_began < scope.as_of:
        resolved_lately = and_(received_in(scope), resolved_by(scope.as_of), Case.completed_at >= month_began)
        counts.resolved += session.scalar(select(func.count()).select_from(Case).where(resolved_lately)) or 0


def _count_ended(session: Session, counts: PeriodCounts, scope: Scope) -> None:
    """The cases withdrawn or terminated by the period's "as of" moment: not resolved, not in progress."""
    for name, kind in ENDINGS.items():
        query = select(Case.screening, func.count()).where(received_in(scope), ended_by(scope.as_of, kind))
        for screening, n in session.execute(query.group_by(Case.screening)):
            setattr(counts, name, getattr(counts, name) + n)
            counts.ended_in_scope += n if screening == "in_scope" else 0


def _count_on_time(session: Session, counts: PeriodCounts, unit_ids: list[int], start: datetime, end: datetime,
                   process_key: str) -> None:  # fmt: skip
    """Steps with a deadline closed in the period, and cases closed in the period without a late step."""
    closed_step = and_(  # only completed tasks have completed_at
        HumanTask.unit_id.in_(unit_ids), HumanTask.completed_at >= start, HumanTask.completed_at < end,
        HumanTask.due_at.is_not(None),
    )  # fmt: skip
    on_time = case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0)
    total, in_time = session.execute(select(func.count(), func.coalesce(func.sum(on_time), 0)).where(closed_step)).one()
    counts.steps_with_deadline, counts.steps_on_time = total, int(in_time)
    closed_case = and_(
        Case.unit_id.in_(unit_ids), Case.completed_at >= start, Case.completed_at < end, Case.process_key == process_key
    )
    late_completion = and_(HumanTask.due_at.is_not(None), HumanTask.completed_at > HumanTask.due_at)
    late_step_cases = select(HumanTask.case_id).where(
        HumanTask.unit_id.in_(unit_ids), or_(HumanTask.escalated.is_(True), late_completion)
    )
    counts.cases_closed = session.scalar(select(func.count()).select_from(Case).where(closed_case)) or 0
    late_cases = (
        session.scalar(select(func.count()).select_from(Case).where(closed_case, Case.id.in_(late_step_cases))) or 0
    )
    counts.cases_closed_on_time = counts.cases_closed - late_cases


def _rate(part: int, whole: int) -> float:
    return round(part * 100 / whole, 2) if whole else 0.0


class SummaryBuilder:
    """Builds the Summary of a unit and period from the counts of the period and of the previous one."""

    def __init__(self, forms: FormCatalog, *, unit: Unit, period: Period, process: str = "") -> None:
        intake = forms.enum_labels(INTAKE_FORM)
        conclusion = forms.enum_labels(CONCLUSION_FORM)
        self.sources, self.fields = intake.get("source", {}), intake.get("field", {})
        self.sanctions = conclusion.get("party_sanction", {})
        self.channels = forms.enum_labels(PUBLICITY_FORM).get("channels", {})
        self.unit, self.period, self.process = unit, period, process

    def link(self, figure: str) -> str:
        """The list of exactly the cases the figure ``figure`` of this unit and period counts."""
        return drilldown_link(unit_id=self.unit.id, period=self.period, figure=figure)

    def breakdown(self, key: str, title: str, labels: dict, now: Counter, before: Counter) -> Section:
        """A section with one figure per code, zeros included, each linked to its cases."""
        figures = []
        for code, label in labels.items():
            name = code or "pending"
            figures.append(Figure(f"{key}.{name}", label, now[code], before[code], self.link(f"{key}.{name}")))
        return Section(key, title, figures, process=self.process)

    def sections(self, now: PeriodCounts, before: PeriodCounts) -> list[Section]:
        """All sections of the report, in the order supervisors read them."""
        received = Figure("received", "Tổng số thông tin tiếp nhận", now.received, before.received,
                          self.link("received"))  # fmt: skip
        return [
            Section("received", "Tiếp nhận", [received], process=self.process),
            self.breakdown("by_source", "Theo nguồn thông tin", self.sources, now.by_source, before.by_source),
            self.breakdown("by_field", "Theo lĩnh vực", self.fields, now.by_field, before.by_field),
            self.breakdown("screening", "Phân loại", SCREENINGS, now.by_screening, before.by_screening),
            Section("progress", "Kết quả xử lý", self._progress(now, before), process=self.process),
            Section("on_time", "Đúng hạn", self._on_time(now, before), process=self.process),
            self.breakdown("party_sanctions", "Hình thức xử lý kỷ luật Đảng", self.sanctions, now.party_sanctions,
                           before.party_sanctions),
            self.breakdown("state_sanctions", "Hình thức xử lý hành chính", self.sanctions, now.state_sanctions,
                           before.state_sanctions),
            self.breakdown("publicity", "Công khai kết quả", self.channels, now.publicity, before.publicity),
        ]  # fmt: skip

    def _progress(self, now: PeriodCounts, before: PeriodCounts) -> list[Figure]:
        return [
            Figure("resolved", "Đã giải quyết (thuộc thẩm quyền)", now.resolved, before.resolved,
                   self.link("resolved")),
            Figure("in_progress", "Đang xử lý", now.by_screening["in_scope"] - now.resolved - now.ended_in_scope,
                   before.by_screening["in_scope"] - before.resolved - before.ended_in_scope,
                   self.link("in_progress")),
            Figure("withdrawn", "Rút đơn", now.withdrawn, before.withdrawn, self.link("withdrawn")),
            Figure("terminated", "Đình chỉ giải quyết", now.terminated, before.terminated, self.link("terminated")),
            Figure("overdue", "Quá hạn", now.overdue, before.overdue, self.link("overdue")),
            Figure("resolved_rate", "Tỷ lệ giải quyết (%)", _rate(now.resolved, now.by_screening["in_scope"]),
                   _rate(before.resolved, before.by_screening["in_scope"])),
        ]  # fmt: skip

    def _on_time(self, now: PeriodCounts, before: PeriodCounts) -> list[Figure]:
        return [
            Figure("on_time.steps", "Bước xử lý có thời hạn đã hoàn thành", now.steps_with_deadline,
                   before.steps_with_deadline),
            Figure("on_time.steps_rate", "Tỷ lệ bước xử lý đúng hạn (%)",
                   _rate(now.steps_on_time, now.steps_with_deadline),
                   _rate(before.steps_on_time, before.steps_with_deadline)),
            Figure("on_time.cases", "Hồ sơ kết thúc trong kỳ", now.cases_closed, before.cases_closed),
            Figure("on_time.cases_rate", "Tỷ lệ hồ sơ kết thúc đúng hạn (%)",
                   _rate(now.cases_closed_on_time, now.cases_closed),
                   _rate(before.cases_closed_on_time, before.cases_closed)),
        ]  # fmt: skip


def build_summary(session: Session, forms: FormCatalog, *, unit_id: int, period: Period, zone: ZoneInfo,
                  now: datetime, process_key: str = REPORT_PROCESS, counters: bool = True,
                  overdue_counters: bool = True) -> Summary:  # fmt: skip
    """The report of ``unit_id`` and the units below it for ``period``, compared with the previous period.

    ``counters=False`` counts every figure from the cases themselves (the benchmark's baseline);
    ``overdue_counters=False`` counts only the overdue figure from them (the benchmark's earlier path).
    """
    unit, unit_ids = unit_subtree(session, unit_id)
    previous = period.previous()
    this, before = count_periods(session, unit_ids, (period, previous), zone=zone, now=now, process_key=process_key,
                                 counters=counters, overdue_counters=overdue_counters)  # fmt: skip
    builder = SummaryBuilder(forms, unit=unit, period=period, process=process_name(session, process_key))
    petitions = petition_section(session, unit, set(unit_ids), period, previous, zone)
    sections = [*builder.sections(this, before), petitions]
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return Summary(unit_id=unit.id, unit_name=unit.name, period=period, previous=previous, generated_at=now,
                   sections=sections, parent_name=parent.name if parent else "")  # fmt: skip


def petition_section(session: Session, unit: Unit, unit_ids: set[int], period: Period, previous: Period,
                     zone: ZoneInfo) -> Section:  # fmt: skip
    """Petitions received and the matters (vụ việc) they make: duplicates raise the first figure only."""
    now = petition_counts(session, unit_ids, period.start, period.end, zone)
    before = petition_counts(session, unit_ids, previous.start, previous.end, zone)
    link = drilldown_link(unit_id=unit.id, period=period, figure="petitions.received")
    return Section("petitions", "Đơn thư", [
        Figure("petitions.received", "Số đơn tiếp nhận", now.petitions, before.petitions, link),
        Figure("petitions.matters", "Số vụ việc", now.matters, before.matters),
    ], process=process_name(session, PETITION_PROCESS))  # fmt: skip


def process_name(session: Session, process_key: str) -> str:
    """The name of the newest version of a process (its key when it has no name or is not deployed)."""
    definition = latest_definition(session, process_key)
    return (definition.name if definition else "") or process_key


def drilldown_link(*, unit_id: int, period: Period, figure: str) -> str:
    """The page listing exactly the cases counted by ``figure`` of the report of ``unit_id`` for ``period``."""
    return "/reports/cases?" + urlencode({"unit": unit_id, "period": period.code, "figure": figure})
