"""The kinds of official document the procedures issue, with their Vietnamese names and number symbols."""

from dataclasses import dataclass
from enum import StrEnum


class DocumentKind(StrEnum):
    """A kind of official document; the value is what a BPMN task names in its ``documentKinds`` property."""

    TRANSFER_SLIP = "transfer_slip"
    GUIDANCE_LETTER = "guidance_letter"
    COMPLAINT_ACCEPTANCE_NOTICE = "complaint_acceptance_notice"
    DENUNCIATION_ACCEPTANCE_NOTICE = "denunciation_acceptance_notice"
    EXTENSION_DECISION = "extension_decision"
    VERIFICATION_CONCLUSION = "verification_conclusion"
    COMPLAINT_DECISION = "complaint_decision"
    DENUNCIATION_CONCLUSION = "denunciation_conclusion"
    RESULT_NOTICE = "result_notice"
    PERIODIC_REPORT = "periodic_report"


@dataclass(frozen=True)
class KindInfo:
    """How a kind is named on a page (``name_vi``/``name_en``) and abbreviated in its number (``12/TB-QU``)."""

    name_vi: str
    name_en: str
    symbol: str


KIND_INFO: dict[DocumentKind, KindInfo] = {
    DocumentKind.TRANSFER_SLIP: KindInfo("Phiếu chuyển đơn", "Transfer slip", "PC"),
    DocumentKind.GUIDANCE_LETTER: KindInfo("Văn bản hướng dẫn", "Guidance letter", "HD"),
    DocumentKind.COMPLAINT_ACCEPTANCE_NOTICE: KindInfo(
        "Thông báo thụ lý giải quyết khiếu nại", "Notice of acceptance of a complaint", "TB"
    ),
    DocumentKind.DENUNCIATION_ACCEPTANCE_NOTICE: KindInfo(
        "Thông báo thụ lý tố cáo", "Notice of acceptance of a denunciation", "TB"
    ),
    DocumentKind.EXTENSION_DECISION: KindInfo("Quyết định gia hạn", "Extension decision", "QĐ"),
    DocumentKind.VERIFICATION_CONCLUSION: KindInfo("Kết luận xác minh", "Verification conclusion", "KL"),
    DocumentKind.COMPLAINT_DECISION: KindInfo("Quyết định giải quyết khiếu nại", "Complaint decision", "QĐ"),
    DocumentKind.DENUNCIATION_CONCLUSION: KindInfo("Kết luận nội dung tố cáo", "Denunciation conclusion", "KL"),
    DocumentKind.RESULT_NOTICE: KindInfo(
        "Thông báo kết quả giải quyết", "Notice of results to the transferring body", "TB"
    ),
    DocumentKind.PERIODIC_REPORT: KindInfo("Báo cáo định kỳ", "Periodic report", "BC"),
}

DOCUMENT_KINDS_PROPERTY = "documentKinds"  # spiffworkflow:property of a userTask: kinds it issues, comma-separated


def parse_document_kinds(value: str | None) -> list[str]:
    """The kind names listed in a task's ``documentKinds`` property, in order, blanks dropped, unknown ones kept."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]
