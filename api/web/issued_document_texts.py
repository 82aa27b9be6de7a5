"""UI texts of the official documents (the step's drafts, the case's documents, the registers), Vietnamese first,
added to the one table of texts (api/web/i18n.py)."""

from api.web.i18n import TEXTS

DOCUMENT_TEXTS: dict[str, dict[str, str]] = {
    "nav.registers": {"vi": "Sổ văn bản đi", "en": "Outgoing register"},
    "documents.step_title": {"vi": "Văn bản ban hành khi hoàn thành bước", "en": "Documents issued by this step"},
    "documents.step_intro": {
        "vi": "Khi hoàn thành bước, mỗi văn bản được cấp số, chuyển sang PDF và ký số. Có thể tải bản thảo, sửa "
        "bằng Word rồi tải lên; giữ nguyên {{ document_number }} và {{ issued_on_text }} để điền số và ngày.",
        "en": "Completing the step numbers, converts and signs each document. You may download the draft, edit it "
        "in Word and upload it back; keep {{ document_number }} and {{ issued_on_text }} for the number and date.",
    },
    "documents.download_draft": {"vi": "Tải bản thảo (DOCX)", "en": "Download the draft (DOCX)"},
    "documents.upload_draft": {"vi": "Tải lên bản đã sửa", "en": "Upload the edited draft"},
    "documents.edited_file": {"vi": "Bản đã sửa (DOCX)", "en": "Edited draft (DOCX)"},
    "documents.uploaded": {"vi": "Đã tải lên bản sửa", "en": "Edited draft uploaded"},
    "documents.upload_done": {"vi": "Đã lưu bản đã sửa.", "en": "The edited draft is saved."},
    "documents.title": {"vi": "Văn bản đã ban hành", "en": "Issued documents"},
    "documents.kind": {"vi": "Loại văn bản", "en": "Kind"},
    "documents.symbol": {"vi": "Số, ký hiệu", "en": "Number"},
    "documents.issued_on": {"vi": "Ngày ban hành", "en": "Issued on"},
    "documents.summary": {"vi": "Trích yếu", "en": "Summary"},
    "documents.signer": {"vi": "Người ký", "en": "Signed by"},
    "documents.signed": {"vi": "Đã ký số", "en": "Digitally signed"},
    "documents.unsigned": {"vi": "Chưa ký số", "en": "Not signed"},
    "documents.redacted": {"vi": "bản che danh tính", "en": "redacted copy"},
    "documents.case": {"vi": "Hồ sơ", "en": "Case"},
    "registers.title": {"vi": "Sổ văn bản đi", "en": "Register of outgoing documents"},
    "registers.unit": {"vi": "Đơn vị", "en": "Unit"},
    "registers.year": {"vi": "Năm", "en": "Year"},
    "registers.all_kinds": {"vi": "Tất cả loại văn bản", "en": "All kinds"},
    "registers.search": {"vi": "Tìm theo số, ký hiệu hoặc trích yếu", "en": "Search number or summary"},
    "registers.show": {"vi": "Xem", "en": "Show"},
    "registers.export": {"vi": "Xuất Excel (XLSX)", "en": "Export (XLSX)"},
    "registers.empty": {"vi": "Chưa có văn bản nào trong sổ.", "en": "No document in this register."},
    "event.document_issued": {"vi": "Ban hành văn bản", "en": "Document issued"},
    "event.document_draft_uploaded": {"vi": "Tải lên bản thảo văn bản", "en": "Document draft uploaded"},
}

TEXTS.update(DOCUMENT_TEXTS)
