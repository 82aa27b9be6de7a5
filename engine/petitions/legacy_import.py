"""Importing the past (phananh import-legacy): petitions kept in Excel registers become petition cases.

A dry run checks every row and names each bad one by its row number and reason. The import loads every good row
in one transaction (all of them or, if anything fails, none). An imported petition keeps its original dates: it is
received on its register date (so it counts in that period's reports) and, when the register says it was resolved,
it is closed as filed on its resolution date; one still being handled waits for its classification.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail
from engine.cases.store import CaseStore
from engine.core.errors import PayloadTooLarge
from engine.core.models import Case, HumanTask, Unit
from engine.people.auth import Actor
from engine.people.permissions import can_register_case, require
from engine.petitions.duplicates import normalize
from engine.petitions.legacy_sheet import REQUIRED, SheetRow, cell_date, is_resolved, read_sheet
from engine.petitions.matters import TRIAGE_PROCESS
from engine.petitions.reception import require_reception_desk
from engine.reports.counters import recount_case

if TYPE_CHECKING:
    from engine.services import EngineServices

INTAKE_FORM = "receive_petition.schema.json"
CLASSIFIABLE = ("complaint", "denunciation", "proposal")
MAX_SHEET_BYTES = 10_000_000


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported."""

    row: int
    reason: str


@dataclass
class ImportReport:
    """What a dry run found or an import did."""

    rows: int
    good: int
    problems: list[RowProblem] = field(default_factory=list)
    imported: int = 0
    dry_run: bool = True


@dataclass(frozen=True)
class LegacyPetition:
    """A good row, ready to become a case."""

    row: int
    unit_id: int
    intake: dict
    received_on: date
    resolved_on: date | None
    outcome: str


def _labels(services: "EngineServices", name: str) -> dict[str, str]:
    schema = services.forms.schema(INTAKE_FORM)["properties"][name]
    codes, titles = schema["enum"], schema.get("x-enum-titles", schema["enum"])
    return {normalize(title): code for code, title in zip(codes, titles, strict=True)} | {c: c for c in codes}


def _text(values: dict, name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def _check_row(row: SheetRow, *, services: "EngineServices", actor: Actor, units: dict[str, int],
               kinds: dict[str, str], fields: dict[str, str], today: date) -> LegacyPetition | list[str]:  # fmt: skip
    values, reasons = row.values, []
    for name in REQUIRED:
        if not _text(values, name):
            reasons.append(f"thiếu {name}")
    try:
        received_on, resolved_on = cell_date(values.get("received_on")), cell_date(values.get("resolved_on"))
    except ValueError as exc:
        return [*reasons, str(exc)]
    if received_on and received_on > today:
        reasons.append(f"ngày nhận {received_on:%d/%m/%Y} ở tương lai")
    resolved = is_resolved(values.get("outcome"))
    if resolved and resolved_on is None:
        reasons.append("đã giải quyết nhưng thiếu ngày giải quyết")
    if resolved_on and received_on and resolved_on < received_on:
        reasons.append(f"ngày giải quyết {resolved_on:%d/%m/%Y} trước ngày nhận {received_on:%d/%m/%Y}")
    kind = kinds.get(normalize(_text(values, "kind")))
    if _text(values, "kind") and kind is None:
        reasons.append(f"loại đơn '{_text(values, 'kind')}' không có trong danh mục")
    field_code = fields.get(normalize(_text(values, "field")))
    if _text(values, "field") and field_code is None:
        reasons.append(f"lĩnh vực '{_text(values, 'field')}' không có trong danh mục")
    unit_id = units.get(normalize(_text(values, "unit")))
    if _text(values, "unit") and unit_id is None:
        reasons.append(f"không có đơn vị '{_text(values, 'unit')}'")
    elif unit_id is not None and not can_register_case(actor, unit_id):
        reasons.append(f"đơn vị '{_text(values, 'unit')}' không thuộc phạm vi của bạn")
    if reasons or received_on is None or kind is None or field_code is None or unit_id is None:
        return reasons
    intake: dict[str, object] = {
        "channel": "post", "received_on": received_on.isoformat(), "kind_claimed": kind, "field": field_code,
        "title": _text(values, "title")[:500], "content": _text(values, "content"),
        "subject": {"name": _text(values, "subject_name")},
    }  # fmt: skip
    if _text(values, "petitioner_name"):
        petitioner = {"name": _text(values, "petitioner_name")}
        if _text(values, "petitioner_address"):
            petitioner["address"] = _text(values, "petitioner_address")
        intake["petitioner"] = petitioner
    errors = services.forms.field_errors(INTAKE_FORM, intake)
    if errors:
        return [f"{error.field or 'dữ liệu'}: {error.message}" for error in errors]
    return LegacyPetition(row.number, unit_id, intake, received_on, resolved_on if resolved else None,
                          _text(values, "outcome"))  # fmt: skip


def check_legacy_sheet(
    session: Session,
    services: "EngineServices",
    actor: Actor,
    *,
    content: bytes,
    mapping: dict[str, str],
    max_bytes: int = MAX_SHEET_BYTES,
) -> tuple[ImportReport, list[LegacyPetition]]:
    """Read and check every row: the report (with each bad row's number and reasons) and the good petitions."""
    require_reception_desk(actor)
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"Tệp lớn hơn giới hạn {max_bytes:,} byte")
    rows = read_sheet(content, mapping)
    units: dict[str, int] = {}
    for unit in session.scalars(select(Unit).where(Unit.retired_at.is_(None))):
        units[normalize(unit.code)] = units[normalize(unit.name)] = unit.id
    kinds, fields = _labels(services, "kind_claimed"), _labels(services, "field")
    today = services.clock.now().astimezone(services.calendar.zone).date()
    good, problems = [], []
    for row in rows:
        checked = _check_row(row, services=services, actor=actor, units=units, kinds=kinds, fields=fields,
                             today=today)  # fmt: skip
        if isinstance(checked, LegacyPetition):
            good.append(checked)
        else:
            problems.append(RowProblem(row.number, "; ".join(checked)))
    return ImportReport(rows=len(rows), good=len(good), problems=problems), good


def import_legacy_petitions(
    session: Session,
    services: "EngineServices",
    actor: Actor,
    *,
    content: bytes,
    mapping: dict[str, str],
    dry_run: bool,
    max_bytes: int = MAX_SHEET_BYTES,
) -> ImportReport:
    """Check the sheet and, unless ``dry_run``, load every good row in the caller's transaction."""
    report, good = check_legacy_sheet(session, services, actor, content=content, mapping=mapping, max_bytes=max_bytes)
    if dry_run:
        return report
    from engine.cases.runtime import CaseRuntime  # the runtime imports the services, which import the domains

    runtime = CaseRuntime(session, services)
    zone, now = services.calendar.zone, services.clock.now()
    for petition in good:
        require(can_register_case, actor, petition.unit_id)
        case = runtime.start_case(actor, process_key=TRIAGE_PROCESS, data=petition.intake, unit_id=petition.unit_id)
        if petition.resolved_on is not None:
            _close_as_filed(session, runtime, case, petition, actor)
        _keep_original_dates(session, case.id, petition, zone=zone, now=now, actor=actor)
    report.imported, report.dry_run = len(good), False
    return report


def _ready(session: Session, case_id: int, spec_name: str) -> str:
    return session.scalars(select(HumanTask.id).where(
        HumanTask.case_id == case_id, HumanTask.spec_name == spec_name, HumanTask.state == "ready")).one()  # fmt: skip


def _close_as_filed(session: Session, runtime, case: Case, petition: LegacyPetition, actor: Actor) -> None:
    kind = petition.intake["kind_claimed"]
    classification = kind if kind in CLASSIFIABLE else "proposal"
    runtime.complete_task_for_system(_ready(session, case.id, "classify_petition"),
                                     {"classification": classification}, by=actor.username)  # fmt: skip
    note = f"Nhập từ sổ đơn cũ (dòng {petition.row}): {petition.outcome or 'đã giải quyết'}"[:500]
    runtime.complete_task_for_system(_ready(session, case.id, "decide_jurisdiction"),
                                     {"decision": "file", "note": note}, by=actor.username)  # fmt: skip


def _keep_original_dates(session: Session, case_id: int, petition: LegacyPetition, *, zone, now: datetime,
                         actor: Actor) -> None:  # fmt: skip
    received_at = datetime.combine(petition.received_on, time(8), zone)
    store = CaseStore(session)
    case = store.case(case_id)
    assert case is not None
    if petition.resolved_on is not None:
        case.completed_at = datetime.combine(petition.resolved_on, time(17), zone)
    trail = AuditTrail(session, case)
    trail.append(kind="legacy_imported", actor=actor.username, at=now, payload={
        "row": petition.row, "received_on": petition.received_on.isoformat(),
        "resolved_on": petition.resolved_on.isoformat() if petition.resolved_on else None,
    })  # fmt: skip
    store.save_case(case)
    trail.write()
    session.execute(update(Case).where(Case.id == case_id).values(created_at=received_at))
    case.created_at = received_at
    recount_case(session, case, zone=zone)  # counted when it was received and resolved, not today
