"""Importing petitions kept in Excel registers over REST: a dry run that names every bad row, then the import."""

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel

from api.deps import AppSettings, DbSession, ReceptionDesk, Services, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.petitions.legacy_import import ImportReport, import_legacy_petitions

router = APIRouter(prefix="/api/petitions", tags=["reception"])


class RowProblemOut(BaseModel):
    """A row that cannot be imported: its number in the sheet and why."""

    row: int
    reason: str


class ImportReportOut(BaseModel):
    """What the dry run found, or what the import loaded."""

    rows: int
    good: int
    imported: int
    dry_run: bool
    problems: list[RowProblemOut]


def report_out(report: ImportReport) -> ImportReportOut:
    """The API shape of an import report."""
    return ImportReportOut(
        rows=report.rows, good=report.good, imported=report.imported, dry_run=report.dry_run,
        problems=[RowProblemOut(row=p.row, reason=p.reason) for p in report.problems],
    )  # fmt: skip


def parse_mapping(text: str) -> dict[str, str]:
    """``"Header=field"`` pairs, one per line or separated by ``;``."""
    pairs = (part.partition("=") for part in text.replace(";", "\n").splitlines() if "=" in part)
    return {header.strip(): name.strip() for header, _, name in pairs}


@router.post(
    "/import",
    response_model=ImportReportOut,
    responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}, 413: {"model": ErrorOut}},
)
async def import_petitions(
    file: Annotated[UploadFile, File(description="the Excel register (.xlsx), headers on row 1")],
    session: DbSession,
    services: Services,
    settings: AppSettings,
    actor: ReceptionDesk,
    dry_run: Annotated[bool, Form(description="check every row, import nothing")] = True,
    columns: Annotated[str, Form(max_length=2000, description='"Header=field" pairs, one per line')] = "",
) -> ImportReportOut:
    """Check (``dry_run``, the default) or import a legacy register; the import loads every good row or none."""
    limit = settings.max_attachment_bytes
    report = import_legacy_petitions(
        session, services, actor, content=await file.read(limit + 1), mapping=parse_mapping(columns),
        dry_run=dry_run, max_bytes=limit,
    )  # fmt: skip
    commit(session)
    return report_out(report)
