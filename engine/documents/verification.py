"""Verify a signed document for whoever received it: signature, integrity, issuing unit, register entry.

``verify_document`` reads the PDF's last signature, validates it with pyHanko against the instance's trust roots
(no network: revocation is not checked), checks that it covers the whole file (nothing added after signing),
names the unit from the certificate, and finds the register entry by the file's SHA-256: kind, number, date and,
when the case is published on the portal, its tracking code. Nothing else of the case is told.
"""

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import Case, IssuedDocument, Unit
from engine.core.settings import Settings, get_settings
from engine.documents.certificates import DEMO_MARK, trust_roots
from engine.documents.kinds import KIND_INFO, DocumentKind
from engine.documents.signing import NotAPdf, outside_event_loop

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509

log = logging.getLogger("phananh.documents")


class VerdictStatus(StrEnum):
    """What verification concluded, worst first after ``VALID``."""

    VALID = "valid"  # signed, unchanged, by a trusted certificate
    MODIFIED = "modified"  # the signed bytes changed, or content was added after signing
    UNTRUSTED = "untrusted"  # intact, but the certificate chains to no root this instance trusts
    INVALID = "invalid"  # the signature itself cannot be read or checked
    UNSIGNED = "unsigned"  # a PDF without a signature


VERDICT_TEXT: dict[VerdictStatus, tuple[str, str]] = {
    VerdictStatus.VALID: ("Chữ ký số hợp lệ, văn bản không bị thay đổi", "Valid signature, document unchanged"),
    VerdictStatus.MODIFIED: ("Văn bản đã bị thay đổi sau khi ký", "The document was changed after it was signed"),
    VerdictStatus.UNTRUSTED: (
        "Chữ ký không do cơ quan được tin cậy cấp",
        "Signed with a certificate this system does not trust",
    ),
    VerdictStatus.INVALID: ("Chữ ký số không hợp lệ", "The signature is invalid"),
    VerdictStatus.UNSIGNED: ("Văn bản không có chữ ký số", "The document has no digital signature"),
}


@dataclass(frozen=True)
class RegisteredDocument:
    """The register entry of a document this instance issued (no content, no names)."""

    kind: str
    kind_name: str
    symbol: str
    issued_on: date
    unit_name: str
    tracking_code: str | None  # only for a case published on the portal


@dataclass(frozen=True)
class DocumentVerdict:
    """The answer to "is this document genuine?"."""

    status: VerdictStatus
    summary: str
    signed: bool
    intact: bool
    trusted: bool
    signer: str | None = None  # the certificate's common name
    unit_name: str | None = None  # the certificate's organisation
    demo_certificate: bool = False
    signed_at: datetime | None = None
    sha256: str = ""
    document: RegisteredDocument | None = None

    @property
    def valid(self) -> bool:
        """Signed, intact and trusted."""
        return self.status is VerdictStatus.VALID


def _subject_value(certificate: "asn1_x509.Certificate", field: str) -> str | None:
    value = certificate.subject.native.get(field)
    return value if isinstance(value, str) else None


def registered_document(session: Session, sha256: str) -> RegisteredDocument | None:
    """The issued document whose signed PDF has this SHA-256, as the public may see it."""
    issued = session.scalar(select(IssuedDocument).where(IssuedDocument.sha256 == sha256).limit(1))
    if issued is None:
        return None
    unit = session.get(Unit, issued.unit_id)
    case = session.get(Case, issued.case_id) if issued.case_id is not None else None
    kind = DocumentKind(issued.kind) if issued.kind in {k.value for k in DocumentKind} else None
    return RegisteredDocument(
        kind=issued.kind, kind_name=KIND_INFO[kind].name_vi if kind else issued.kind, symbol=issued.symbol,
        issued_on=issued.issued_on, unit_name=unit.name if unit else "",
        tracking_code=case.tracking_code if case is not None and case.published_portal else None,
    )  # fmt: skip


def _verdict(status: VerdictStatus, **values) -> DocumentVerdict:
    return DocumentVerdict(status=status, summary=VERDICT_TEXT[status][0], **values)


def verify_document(session: Session, pdf: bytes, *, settings: Settings | None = None) -> DocumentVerdict:
    """Check a PDF's last signature and find it in the registers; ``NotAPdf`` for a file that is no PDF."""
    # pyHanko (with requests) takes ~0.4 s to import: imported when a document is first verified, not by every server
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    if b"%PDF-" not in pdf[:1024]:  # readers accept a header within the first kilobyte
        raise NotAPdf("Tệp gửi lên không phải là tệp PDF.")
    sha256 = hashlib.sha256(pdf).hexdigest()
    document = registered_document(session, sha256)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - anyone may post any bytes: a damaged file is a verdict, not a 500
        log.info("unreadable PDF posted for verification: %s", exc)
        return _verdict(VerdictStatus.INVALID, signed=False, intact=False, trusted=False, sha256=sha256)
    if not signatures:
        return _verdict(
            VerdictStatus.UNSIGNED, signed=False, intact=False, trusted=False, sha256=sha256, document=document
        )
    signature = signatures[-1]
    context = ValidationContext(
        trust_roots=trust_roots(session, settings or get_settings()), allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = outside_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception as exc:  # noqa: BLE001 - a damaged or exotic signature is a verdict, not a 500
        log.info("signature could not be validated: %s", exc)
        return _verdict(VerdictStatus.INVALID, signed=True, intact=False, trusted=False, sha256=sha256)
    certificate = status.signing_cert
    common_name = _subject_value(certificate, "common_name")
    whole_file = signature.coverage.name == "ENTIRE_FILE" if signature.coverage is not None else False
    intact = bool(status.intact and status.valid and whole_file)
    trusted = bool(status.trusted)
    if not intact:
        verdict_status = VerdictStatus.MODIFIED
    elif not trusted:
        verdict_status = VerdictStatus.UNTRUSTED
    else:
        verdict_status = VerdictStatus.VALID
    return _verdict(
        verdict_status, signed=True, intact=intact, trusted=trusted, signer=common_name,
        unit_name=_subject_value(certificate, "organization_name"),
        demo_certificate=bool(common_name and DEMO_MARK in common_name),
        signed_at=status.signer_reported_dt, sha256=sha256,
        document=document if verdict_status is VerdictStatus.VALID else None,
    )  # fmt: skip
