"""Texts of the designer's document template pages (added to the one table of api/web/i18n.py)."""

from api.web.i18n import TEXTS

TEXTS.update(
    {
        "documents.title": {"vi": "Mẫu văn bản", "en": "Document templates"},
        "documents.intro": {
            "vi": "Mỗi loại văn bản có một mẫu DOCX (docxtpl). Bước quy trình nêu loại văn bản nó ban hành; bản nháp "
            "lấy dữ liệu hồ sơ theo mẫu đang dùng. Phiên bản 0 là mẫu gốc của hệ thống.",
            "en": "Each kind of document has a DOCX template (docxtpl). A process step names the kinds it issues; "
            "drafts are filled from the case with the template in use. Version 0 is the system's own template.",
        },
        "documents.kind": {"vi": "Loại văn bản", "en": "Kind"},
        "documents.code": {"vi": "Mã dùng trong quy trình", "en": "Code used in processes"},
        "documents.in_use": {"vi": "Phiên bản đang dùng", "en": "Version in use"},
        "documents.builtin": {"vi": "Mẫu gốc", "en": "Built-in"},
        "documents.uploads": {"vi": "Số lần tải lên", "en": "Uploads"},
        "documents.identity": {"vi": "Gửi người được bảo vệ danh tính", "en": "Addressed to a protected person"},
        "documents.identity_note": {
            "vi": "Bản đầy đủ ghi tên người khiếu nại/tố cáo và được lưu mã hóa; người khác nhận bản che thông tin.",
            "en": "The full copy names the complainant/denouncer and is stored encrypted; others get a redacted copy.",
        },
        "documents.yes": {"vi": "Có", "en": "Yes"},
        "documents.no": {"vi": "Không", "en": "No"},
        "documents.open": {"vi": "Xem, tải lên", "en": "Open, upload"},
        "documents.fields": {"vi": "Trường trộn trong mẫu", "en": "Fields the template prints"},
        "documents.versions": {"vi": "Các phiên bản đã tải lên", "en": "Uploaded versions"},
        "documents.no_versions": {
            "vi": "Chưa có phiên bản tải lên; đang dùng mẫu gốc.",
            "en": "No uploads yet; the built-in template is in use.",
        },
        "documents.version": {"vi": "Phiên bản", "en": "Version"},
        "documents.file": {"vi": "Tệp", "en": "File"},
        "documents.size": {"vi": "Dung lượng", "en": "Size"},
        "documents.uploaded_by": {"vi": "Người tải lên", "en": "Uploaded by"},
        "documents.uploaded_at": {"vi": "Thời điểm", "en": "Uploaded at"},
        "documents.active": {"vi": "Đang dùng", "en": "In use"},
        "documents.activate": {"vi": "Dùng phiên bản này", "en": "Use this version"},
        "documents.use_builtin": {"vi": "Dùng lại mẫu gốc", "en": "Go back to the built-in template"},
        "documents.download": {"vi": "Tải về", "en": "Download"},
        "documents.download_builtin": {"vi": "Tải mẫu gốc", "en": "Download the built-in template"},
        "documents.upload": {"vi": "Tải lên phiên bản mới", "en": "Upload a new version"},
        "documents.upload_hint": {
            "vi": "Tệp DOCX, tối đa 2 MB; trường trộn viết {{ ten_truong }}. Giữ nguyên {{ document_number }} và "
            "{{ issued_on_text }}: hệ thống điền số và ngày khi ban hành.",
            "en": "A DOCX file, at most 2 MB; fields are written {{ field_name }}. Keep {{ document_number }} and "
            "{{ issued_on_text }}: the number and date are filled at issuance.",
        },
        "documents.activate_now": {"vi": "Dùng ngay phiên bản này", "en": "Use this version at once"},
        "documents.send": {"vi": "Tải lên", "en": "Upload"},
        "documents.uploaded": {"vi": "Đã lưu phiên bản {version}.", "en": "Version {version} saved."},
        "documents.activated": {"vi": "Đang dùng phiên bản {version}.", "en": "Version {version} is now in use."},
        "documents.refused": {"vi": "Không nhận tệp mẫu: {reason}", "en": "Template refused: {reason}"},
        "documents.preview": {"vi": "Xem thử với dữ liệu hồ sơ", "en": "Preview with a case's data"},
        "documents.preview_hint": {
            "vi": "Nhập số hồ sơ (thuộc đơn vị bạn xem được). Bản xem thử luôn che thông tin người được bảo vệ.",
            "en": "Enter a case number (of a unit you can see). Previews always leave protected people's details out.",
        },
        "documents.case_id": {"vi": "Số hồ sơ", "en": "Case number"},
        "documents.show_fields": {"vi": "Xem các trường", "en": "Show the fields"},
        "documents.download_preview": {"vi": "Tải bản xem thử (DOCX)", "en": "Download the preview (DOCX)"},
        "documents.field": {"vi": "Trường", "en": "Field"},
        "documents.value": {"vi": "Giá trị từ hồ sơ", "en": "Value from the case"},
        "documents.blank": {"vi": "(để trống, điền khi soạn)", "en": "(left blank, to fill in)"},
        "documents.bad_case": {
            "vi": "Số hồ sơ phải là một số nguyên dương.",
            "en": "The case number must be a positive whole number.",
        },
    }
)
