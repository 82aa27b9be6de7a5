"""UI texts of the portal's document verification page (Vietnamese first, English available), added to the one
table of texts (api/web/i18n.py)."""

from api.web.i18n import TEXTS
from engine.documents.verification import VERDICT_TEXT

VERIFICATION_TEXTS: dict[str, dict[str, str]] = {
    "portal.nav.verify": {"vi": "Xác thực văn bản", "en": "Verify a document"},
    "verify.title": {"vi": "Xác thực văn bản", "en": "Verify a document"},
    "verify.intro": {
        "vi": "Chọn tệp PDF văn bản bạn nhận được để kiểm tra chữ ký số: văn bản có còn nguyên vẹn, do cơ quan nào "
        "ban hành, số và ngày ban hành. Tệp chỉ được dùng để kiểm tra, không được lưu lại.",
        "en": "Choose the PDF of a document you received to check its digital signature: whether it is unchanged, "
        "which body issued it, its number and date. The file is only checked, never kept.",
    },
    "verify.file": {"vi": "Tệp PDF (tối đa {limit})", "en": "PDF file ({limit} max)"},
    "verify.submit": {"vi": "Kiểm tra", "en": "Check"},
    "verify.again": {"vi": "Kiểm tra văn bản khác", "en": "Check another document"},
    "verify.not_pdf": {"vi": "Tệp đã chọn không phải là tệp PDF.", "en": "The file chosen is not a PDF."},
    "verify.too_big": {"vi": "Tệp lớn hơn giới hạn {limit}.", "en": "The file is larger than {limit}."},
    "verify.unit": {"vi": "Cơ quan ký", "en": "Signed by (body)"},
    "verify.signer": {"vi": "Chứng thư số", "en": "Certificate"},
    "verify.signed_at": {"vi": "Thời điểm ký", "en": "Signed at"},
    "verify.register": {"vi": "Trong sổ văn bản đi", "en": "In the register"},
    "verify.kind": {"vi": "Loại văn bản", "en": "Kind"},
    "verify.number": {"vi": "Số, ký hiệu", "en": "Number"},
    "verify.issued_on": {"vi": "Ngày ban hành", "en": "Issued on"},
    "verify.issuer": {"vi": "Cơ quan ban hành", "en": "Issuing body"},
    "verify.case": {"vi": "Mã hồ sơ (đã công khai)", "en": "Case (published)"},
    "verify.not_registered": {
        "vi": "Không tìm thấy văn bản này trong sổ văn bản đi của hệ thống.",
        "en": "This document is not in the system's registers.",
    },
    "verify.demo": {
        "vi": "Chứng thư số thử nghiệm (DEMO): chỉ dùng để chạy thử, không có giá trị pháp lý.",
        "en": "Demo certificate (DEMO): for trying the system out only, no legal value.",
    },
}
for status, (vi, en) in VERDICT_TEXT.items():
    VERIFICATION_TEXTS[f"verify.status.{status.value}"] = {"vi": vi, "en": en}

TEXTS.update(VERIFICATION_TEXTS)
