"""Verify an official document over JSON: ``POST /api/documents/verify`` with the PDF as the multipart ``file``.

Public, like the portal: anyone who received a document may check it; each check counts against the client
address's rate limit (429 with ``Retry-After``). The answer names the signature's state, the unit and, for a
document this instance issued, its number and date (and the tracking code only of a case published on the portal).
"""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel

from api.deps import AppSettings, DbSession, Services, client_address
from api.schemas import ErrorOut, ValidationErrorOut
from engine.documents.public_check import check_document
from engine.documents.verification import VERDICT_TEXT, DocumentVerdict, VerdictStatus

router = APIRouter(prefix="/api/documents", tags=["documents"])


class RegisteredDocumentOut(BaseModel):
    """The register entry of a document this instance issued."""

    kind: str
    kind_name: str
    symbol: str
    issued_on: date
    unit_name: str
    tracking_code: str | None


class VerdictOut(BaseModel):
    """The verdict: ``status`` is valid, modified, untrusted, invalid or unsigned; ``summary`` says it in words."""

    status: VerdictStatus
    summary: str
    summary_en: str
    valid: bool
    signed: bool
    intact: bool
    trusted: bool
    signer: str | None
    unit_name: str | None
    demo_certificate: bool
    signed_at: datetime | None
    sha256: str
    document: RegisteredDocumentOut | None


def verdict_out(verdict: DocumentVerdict) -> VerdictOut:
    """The JSON body of a verdict."""
    document = verdict.document
    return VerdictOut(
        status=verdict.status, summary=verdict.summary, summary_en=VERDICT_TEXT[verdict.status][1],
        valid=verdict.valid, signed=verdict.signed, intact=verdict.intact, trusted=verdict.trusted,
        signer=verdict.signer, unit_name=verdict.unit_name, demo_certificate=verdict.demo_certificate,
        signed_at=verdict.signed_at, sha256=verdict.sha256,
        document=RegisteredDocumentOut(**document.__dict__) if document is not None else None,
    )  # fmt: skip


@router.post(
    "/verify",
    response_model=VerdictOut,
    responses={
        400: {"model": ErrorOut, "description": "The file is empty or not a PDF"},
        413: {"model": ErrorOut, "description": "The file is larger than the limit"},
        422: {"model": ValidationErrorOut, "description": "No multipart field 'file'"},
        429: {"model": ErrorOut, "description": "Too many checks from this address; see Retry-After"},
    },
)
def verify(
    file: Annotated[UploadFile, File(description="the PDF to check")],
    request: Request,
    session: DbSession,
    services: Services,
    settings: AppSettings,
) -> VerdictOut:
    """Is this PDF signed, unchanged since signing, by a unit this instance trusts, and which register entry is it?

    A PDF without a signature is a verdict (``unsigned``), not an error.
    """
    pdf = file.file.read(settings.max_verify_bytes + 1)
    verdict = check_document(
        session, services, settings, pdf=pdf, client_address=client_address(request), spam_guard=None
    )
    return verdict_out(verdict)
