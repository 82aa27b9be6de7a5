"""The statutory report forms of petition handling, complaint and denunciation resolution, and the follow-up of
decisions, as the inspectorate's reporting regime lays them out: one row per unit, numbered columns, grouped headers.

* ``petitions`` (kết quả xử lý đơn): petitions received, by content, by handling (within jurisdiction, guided,
  transferred, filed, not handled yet), and of those within jurisdiction the resolved ones and the resolution rate;
* ``complaints`` (kết quả giải quyết khiếu nại) and ``denunciations`` (kết quả giải quyết tố cáo): cases received,
  accepted, resolved by result, stopped (withdrawn, terminated), in progress, overdue, the rate, and the follow-up
  results of the decisions and conclusions;
* ``follow_ups`` (theo dõi, đôn đốc thi hành): follow-ups concluded by result, still open, and overdue.

Cases count in the period they were received in (as the periodic report does, see ``engine/reports/counted.py``),
progress is judged as of the period's end (or now). A petition within jurisdiction is resolved when the complaint or
denunciation it led to has its decision or conclusion recorded, or, for a proposal, when its answer closed it.
Follow-ups count by the time their result was recorded. Rows: the total, the unit's own cases, each unit below it.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import Case, CaseStatistic, PetitionHandling, Unit
from engine.followups.starting import FOLLOW_UP_PROCESS
from engine.reports.counted import PETITION_PROCESS, Scope, late_steps
from engine.reports.periods import Period
from engine.reports.summary import unit_subtree

COMPLAINT_PROCESSES = ("complaint", "complaint_second_instance")
DENUNCIATION_PROCESSES = ("denunciation",)
STOPPED = ("withdrawn", "terminated")
"""Case statuses of a complaint or denunciation stopped without a resolution (rút, đình chỉ): not resolved."""
FOLLOW_UP_RESULTS = ("done", "partly_done", "not_done")


@dataclass(frozen=True)
class FormColumn:
    """One numbered column; ``group`` is the merged header above it ("" for a column alone)."""

    key: str
    label: str
    group: str = ""
    rate: bool = False


@dataclass
class FormRow:
    """One line of a form: a unit (or the total) and a value per column."""

    label: str
    values: dict[str, int | float]
    total: bool = False


@dataclass
class StatutoryForm:
    """A filled-in form for a unit and period."""

    key: str
    title: str
    unit_name: str
    parent_name: str
    period: Period
    generated_at: datetime
    columns: list[FormColumn]
    rows: list[FormRow] = field(default_factory=list)

    def value(self, key: str) -> int | float:
        """The total row's value of column ``key``."""
        return self.rows[0].values[key]

    def header_groups(self) -> list[tuple[str, int, int]]:
        """The top header: (label, index of the first column, number of columns); "" spans both header rows."""
        groups: list[tuple[str, int, int]] = []
        for index, column in enumerate(self.columns):
            if column.group and groups and groups[-1][0] == column.group:
                label, first, span = groups[-1]
                groups[-1] = (label, first, span + 1)
            else:
                groups.append((column.group, index, 1))
        return groups


def _columns(spec: Iterable[tuple[str, str, str]], rates: Iterable[str] = ()) -> list[FormColumn]:
    rated = set(rates)
    return [FormColumn(key, label, group, key in rated) for key, label, group in spec]


PETITION_COLUMNS = _columns([
    ("received", "Tổng số đơn tiếp nhận", ""),
    ("complaint", "Khiếu nại", "Phân loại theo nội dung"),
    ("denunciation", "Tố cáo", "Phân loại theo nội dung"),
    ("proposal", "Kiến nghị, phản ánh", "Phân loại theo nội dung"),
    ("duplicate", "Đơn trùng", "Phân loại theo nội dung"),
    ("ineligible", "Không đủ điều kiện xử lý", "Phân loại theo nội dung"),
    ("in_jurisdiction", "Thuộc thẩm quyền", "Kết quả xử lý đơn"),
    ("guided", "Hướng dẫn", "Kết quả xử lý đơn"),
    ("transferred", "Chuyển đơn", "Kết quả xử lý đơn"),
    ("filed", "Lưu đơn", "Kết quả xử lý đơn"),
    ("pending", "Chưa xử lý", "Kết quả xử lý đơn"),
    ("resolved", "Đã giải quyết", "Đơn thuộc thẩm quyền"),
    ("unresolved", "Đang giải quyết", "Đơn thuộc thẩm quyền"),
    ("resolved_rate", "Tỷ lệ giải quyết (%)", "Đơn thuộc thẩm quyền"),
], rates=["resolved_rate"])  # fmt: skip
FOLLOW_UP_GROUP = "Theo dõi thi hành"
FOLLOW_UP_COLUMNS = [
    ("follow_up_done", "Đã thực hiện xong", FOLLOW_UP_GROUP),
    ("follow_up_partly_done", "Thực hiện một phần", FOLLOW_UP_GROUP),
    ("follow_up_not_done", "Chưa thực hiện", FOLLOW_UP_GROUP),
]
COMPLAINT_COLUMNS = _columns([
    ("received", "Tổng số vụ việc tiếp nhận", ""),
    ("first", "Lần đầu", "Theo lần giải quyết"),
    ("second", "Lần hai", "Theo lần giải quyết"),
    ("accepted", "Đã thụ lý", "Thụ lý"),
    ("not_accepted", "Không thụ lý", "Thụ lý"),
    ("awaiting", "Chưa thụ lý", "Thụ lý"),
    ("resolved", "Đã giải quyết", "Kết quả giải quyết"),
    ("correct", "Khiếu nại đúng", "Kết quả giải quyết"),
    ("partly_correct", "Khiếu nại đúng một phần", "Kết quả giải quyết"),
    ("wrong", "Khiếu nại sai", "Kết quả giải quyết"),
    ("stopped", "Rút, đình chỉ", ""),
    ("in_progress", "Đang giải quyết", ""),
    ("overdue", "Quá hạn", ""),
    ("resolved_rate", "Tỷ lệ giải quyết (%)", ""),
    *FOLLOW_UP_COLUMNS,
], rates=["resolved_rate"])  # fmt: skip
DENUNCIATION_COLUMNS = _columns([
    ("received", "Tổng số vụ việc tiếp nhận", ""),
    ("accepted", "Đã thụ lý", "Thụ lý"),
    ("not_accepted", "Không thụ lý", "Thụ lý"),
    ("awaiting", "Chưa thụ lý", "Thụ lý"),
    ("resolved", "Đã giải quyết", "Kết quả giải quyết"),
    ("true", "Tố cáo đúng", "Kết quả giải quyết"),
    ("partly_true", "Tố cáo đúng một phần", "Kết quả giải quyết"),
    ("false", "Tố cáo sai", "Kết quả giải quyết"),
    ("stopped", "Rút, đình chỉ", ""),
    ("in_progress", "Đang giải quyết", ""),
    ("overdue", "Quá hạn", ""),
    ("resolved_rate", "Tỷ lệ giải quyết (%)", ""),
    *FOLLOW_UP_COLUMNS,
], rates=["resolved_rate"])  # fmt: skip
FOLLOW_UP_FORM_COLUMNS = _columns([
    ("concluded", "Đã có kết quả", ""),
    ("follow_up_done", "Đã thực hiện xong", "Kết quả thi hành"),
    ("follow_up_partly_done", "Thực hiện một phần", "Kết quả thi hành"),
    ("follow_up_not_done", "Chưa thực hiện", "Kết quả thi hành"),
    ("open", "Đang theo dõi", ""),
    ("overdue", "Quá hạn", ""),
    ("done_rate", "Tỷ lệ thực hiện xong (%)", ""),
], rates=["done_rate"])  # fmt: skip

FORMS = {
    "petitions": ("TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN", PETITION_COLUMNS),
    "complaints": ("TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI", COMPLAINT_COLUMNS),
    "denunciations": ("TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO", DENUNCIATION_COLUMNS),
    "follow_ups": ("TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÔN ĐỐC THI HÀNH QUYẾT ĐỊNH, KẾT LUẬN", FOLLOW_UP_FORM_COLUMNS),
}
"""The forms by key: title and columns."""

PerUnit = dict[int, Counter]


def _received(scope: Scope, processes: Iterable[str]):
    return and_(
        Case.unit_id.in_(scope.unit_ids), Case.process_key.in_(list(processes)),
        Case.created_at >= scope.start, Case.created_at < scope.end,
    )  # fmt: skip


def _before(moment: datetime | None, as_of: datetime) -> bool:
    if moment is None:
        return False
    if moment.tzinfo is None:  # SQLite hands back naive UTC in raw column reads
        moment = moment.replace(tzinfo=as_of.tzinfo)
    return moment < as_of


def count_petitions(session: Session, scope: Scope) -> PerUnit:
    """Per unit: the petitions received in the scope by content, by handling, and resolved (as of ``as_of``)."""
    resolving = CaseStatistic.__table__.alias("resolving")
    query = (
        select(
            Case.unit_id,
            Case.status,
            Case.completed_at,
            PetitionHandling.classification,
            PetitionHandling.decision,
            PetitionHandling.resolving_case_id,
            resolving.c.recorded_at,
        )  # fmt: skip
        .select_from(Case)
        .outerjoin(PetitionHandling, PetitionHandling.case_id == Case.id)
        .outerjoin(resolving, resolving.c.case_id == PetitionHandling.resolving_case_id)
        .where(_received(scope, [PETITION_PROCESS]))
    )
    counts: PerUnit = {}
    for unit_id, status, completed_at, classification, decision, resolving_id, recorded_at in session.execute(query):
        row = counts.setdefault(unit_id, Counter())
        row["received"] += 1
        if classification:
            row[classification] += 1
        handling = {"accept": "in_jurisdiction", "guide": "guided", "transfer": "transferred", "file": "filed"}
        if decision in handling:
            row[handling[decision]] += 1
        elif classification == "ineligible":
            row["filed"] += 1
        else:
            row["pending"] += 1
        if decision == "accept":
            if resolving_id is not None:
                done = _before(recorded_at, scope.as_of)
            else:
                done = status == "completed" and _before(completed_at, scope.as_of)
            row["resolved" if done else "unresolved"] += 1
    return counts


def count_resolutions(session: Session, scope: Scope, processes: tuple[str, ...], result_field: str) -> PerUnit:
    """Per unit: complaint or denunciation cases received in the scope, accepted, resolved by result, stopped,
    in progress and overdue (as of ``as_of``)."""
    late = case((Case.id.in_(late_steps(scope.unit_ids, scope.as_of)), True), else_=False)
    query = (
        select(
            Case.unit_id,
            Case.process_key,
            Case.status,
            Case.screening,
            late,
            CaseStatistic.record,
            CaseStatistic.recorded_at,
        )  # fmt: skip
        .outerjoin(CaseStatistic, CaseStatistic.case_id == Case.id)
        .where(_received(scope, processes))
    )
    counts: PerUnit = {}
    for unit_id, process_key, status, screening, is_late, record, recorded_at in session.execute(query):
        row = counts.setdefault(unit_id, Counter())
        row["received"] += 1
        row["second" if process_key.endswith("second_instance") else "first"] += 1
        result = (record or {}).get(result_field) if _before(recorded_at, scope.as_of) else None
        if screening == "in_scope":
            row["accepted"] += 1
        elif screening == "out_of_scope":
            row["not_accepted"] += 1
        if result:
            row["resolved"] += 1
            row[str(result)] += 1
        elif status in STOPPED:
            row["stopped"] += 1
        elif screening == "in_scope":
            row["in_progress"] += 1
            row["overdue"] += 1 if is_late else 0
        elif screening is None:
            row["awaiting"] += 1
    return counts


def count_follow_ups(session: Session, scope: Scope, origins: tuple[str, ...] | None = None) -> PerUnit:
    """Per unit: follow-ups whose result was recorded in the period by result, and those open (and overdue) at
    ``as_of``; only those following decisions of ``origins`` when given."""
    end = min(scope.end, scope.as_of)
    late = case((Case.id.in_(late_steps(scope.unit_ids, scope.as_of)), True), else_=False)
    query = (
        select(Case.unit_id, CaseStatistic.record, CaseStatistic.recorded_at, late)
        .outerjoin(CaseStatistic, CaseStatistic.case_id == Case.id)
        .where(
            Case.unit_id.in_(scope.unit_ids), Case.process_key == FOLLOW_UP_PROCESS, Case.created_at < end,
            or_(CaseStatistic.recorded_at.is_(None), CaseStatistic.recorded_at >= scope.start),
        )
    )  # fmt: skip
    counts: PerUnit = {}
    for unit_id, record, recorded_at, is_late in session.execute(query):
        concluded = recorded_at is not None and _before(recorded_at, end)
        if origins is not None and (not concluded or (record or {}).get("origin_process") not in origins):
            continue  # an open follow-up's origin is only in its case data: the follow-up form counts it
        row = counts.setdefault(unit_id, Counter())
        if concluded:
            row["concluded"] += 1
            result = (record or {}).get("follow_up_result")
            if result in FOLLOW_UP_RESULTS:
                row[f"follow_up_{result}"] += 1
        else:
            row["open"] += 1
            row["overdue"] += 1 if is_late else 0
    return counts


def _rate(part: int | float, whole: int | float) -> float:
    return round(part * 100 / whole, 2) if whole else 0.0


def _finish(values: Counter, key: str) -> dict[str, int | float]:
    """The row's values in column order, with its rate computed from its own counts."""
    row: dict[str, int | float] = {column.key: values[column.key] for column in FORMS[key][1]}
    if key == "petitions":
        row["resolved_rate"] = _rate(values["resolved"], values["in_jurisdiction"])
    elif key == "follow_ups":
        row["done_rate"] = _rate(values["follow_up_done"], values["concluded"])
    else:
        row["resolved_rate"] = _rate(values["resolved"], values["accepted"])
    return row


def _counts(session: Session, key: str, scope: Scope) -> PerUnit:
    if key == "petitions":
        return count_petitions(session, scope)
    if key == "follow_ups":
        return count_follow_ups(session, scope)
    processes, result_field = {
        "complaints": (COMPLAINT_PROCESSES, "decision_result"),
        "denunciations": (DENUNCIATION_PROCESSES, "conclusion_result"),
    }[key]
    counts = count_resolutions(session, scope, processes, result_field)
    for unit_id, follow in count_follow_ups(session, scope, processes).items():
        row = counts.setdefault(unit_id, Counter())
        for name, _label, _group in FOLLOW_UP_COLUMNS:
            row[name] += follow[name]
    return counts


def row_units(session: Session, unit: Unit) -> list[tuple[str, list[int]]]:
    """The form's unit rows: the unit's own cases, then each unit directly below it with the units below that."""
    rows = [(f"{unit.name} (trực tiếp)", [unit.id])]
    children = session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name))
    for child in children:
        rows.append((child.name, list(session.scalars(select(Unit.id).where(Unit.path.startswith(child.path))))))
    return rows


def build_form(session: Session, *, key: str, unit_id: int, period: Period, zone: ZoneInfo,
               now: datetime) -> StatutoryForm:  # fmt: skip
    """The form ``key`` of ``unit_id`` and the units below it for ``period``."""
    if key not in FORMS:
        raise NotFound(f"Report form '{key}' does not exist; the forms are: {', '.join(FORMS)}")
    unit, unit_ids = unit_subtree(session, unit_id)
    scope = Scope.of(unit_ids, period, zone=zone, now=now)
    per_unit = _counts(session, key, scope)
    total: Counter = Counter()
    for values in per_unit.values():
        total.update(values)
    rows = [FormRow("Tổng cộng", _finish(total, key), total=True)]
    for label, ids in row_units(session, unit):
        values = Counter()
        for one in ids:
            values.update(per_unit.get(one, Counter()))
        rows.append(FormRow(label, _finish(values, key)))
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    title, columns = FORMS[key]
    return StatutoryForm(key=key, title=title, unit_name=unit.name, parent_name=parent.name if parent else "",
                         period=period, generated_at=now, columns=columns, rows=rows)  # fmt: skip
