# ruff: noqa: E501  (the documents' sentences read best unwrapped)
"""What each kind of official document says: its type heading, its body paragraphs (docxtpl/Jinja placeholders
filled from the case, see engine/documents/context.py) and whether it is addressed to a protected person.

The layout around these texts (letterhead, number, place and date, recipients, signature) is the builder's
(engine/documents/template_builder.py). A kind whose ``document_type`` is empty is a letter (công văn): its summary
("V/v …") stands under the number and the body opens with "Kính gửi".
"""

from dataclasses import dataclass

from engine.documents.kinds import DocumentKind


@dataclass(frozen=True)
class KindText:
    """The fixed wording of one kind: heading, opening line, body paragraphs, and who it is addressed to."""

    document_type: str  # "THÔNG BÁO"; empty for a letter (công văn)
    body: tuple[str, ...]
    addressee: str = ""  # a "Kính gửi: …" line, empty when the document has none
    decision_heading: bool = False  # a decision: the deciding authority, the legal grounds, "QUYẾT ĐỊNH:", articles
    identity_bearing: bool = False  # addressed to the complainant, denouncer or petitioner: names a protected person


DECIDES = "{{ deciding_authority }}"

KIND_TEXTS: dict[DocumentKind, KindText] = {
    DocumentKind.TRANSFER_SLIP: KindText(
        "PHIẾU CHUYỂN ĐƠN",
        (
            "Ngày {{ received_on_text }}, {{ unit_name }} nhận được đơn của {{ petitioner_name }}, địa chỉ: {{ petitioner_address }}, về việc: {{ case_title }}.",
            "Sau khi xem xét nội dung đơn, căn cứ quy định của pháp luật, {{ unit_name }} chuyển đơn đến {{ competent_body }} để xem xét, giải quyết theo thẩm quyền và thông báo kết quả cho {{ unit_name }} và người gửi đơn biết.",
            "(Kèm theo đơn của {{ petitioner_name }}, mã hồ sơ {{ tracking_code }}.)",
        ),
        addressee="{{ competent_body }}",
        identity_bearing=True,
    ),
    DocumentKind.GUIDANCE_LETTER: KindText(
        "",
        (
            "Ngày {{ received_on_text }}, {{ unit_name }} nhận được đơn của {{ petitioner_name }}, địa chỉ: {{ petitioner_address }}, về việc: {{ case_title }}.",
            "Sau khi xem xét, nội dung đơn không thuộc thẩm quyền giải quyết của {{ unit_name }}. {{ guidance }}",
            "{{ unit_name }} hướng dẫn để {{ petitioner_name }} biết, thực hiện theo quy định của pháp luật.",
        ),
        addressee="{{ petitioner_name }}",
        identity_bearing=True,
    ),
    DocumentKind.COMPLAINT_ACCEPTANCE_NOTICE: KindText(
        "THÔNG BÁO",
        (
            "Ngày {{ received_on_text }}, {{ unit_name }} nhận được đơn khiếu nại của {{ petitioner_name }}, địa chỉ: {{ petitioner_address }}, về việc: {{ case_title }}.",
            "Sau khi xem xét, đơn khiếu nại đủ điều kiện thụ lý theo quy định của Luật Khiếu nại. {{ unit_name }} thụ lý giải quyết khiếu nại từ {{ accepted_on }}.",
            "{{ unit_name }} thông báo để {{ petitioner_name }} và các cơ quan, tổ chức, cá nhân có liên quan biết.",
        ),
        addressee="{{ petitioner_name }}",
        identity_bearing=True,
    ),
    DocumentKind.DENUNCIATION_ACCEPTANCE_NOTICE: KindText(
        "THÔNG BÁO",
        (
            "Ngày {{ received_on_text }}, {{ unit_name }} nhận được đơn tố cáo của {{ petitioner_name }} đối với {{ subject_name }}, {{ subject_position }}, {{ subject_unit }}, về việc: {{ case_title }}.",
            "Sau khi kiểm tra, đơn tố cáo đủ điều kiện thụ lý theo quy định của Luật Tố cáo. {{ unit_name }} thụ lý tố cáo từ {{ accepted_on }}.",
            "Người tố cáo được bảo vệ bí mật họ tên, địa chỉ, bút tích và các thông tin cá nhân khác theo quy định của pháp luật.",
        ),
        addressee="{{ petitioner_name }}",
        identity_bearing=True,
    ),
    DocumentKind.EXTENSION_DECISION: KindText(
        "QUYẾT ĐỊNH",
        (
            "Căn cứ Luật Tố cáo ngày 12 tháng 6 năm 2018;",
            "Căn cứ hồ sơ giải quyết tố cáo {{ tracking_code }} về việc: {{ case_title }};",
            "Xét tính chất vụ việc: {{ complexity }}; {{ extension_reason }},",
            "QUYẾT ĐỊNH:",
            "Điều 1. Gia hạn thời hạn giải quyết tố cáo đối với {{ subject_name }}, {{ subject_position }}, {{ subject_unit }}.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Người giải quyết tố cáo, người được giao xác minh và các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.",
        ),
        decision_heading=True,
    ),
    DocumentKind.VERIFICATION_CONCLUSION: KindText(
        "KẾT LUẬN",
        (
            "Ngày {{ received_on_text }}, {{ unit_name }} tiếp nhận thông tin phản ánh về {{ subject_name }}, {{ subject_position }}, {{ subject_unit }}, về việc: {{ case_title }}.",
            "Kết quả xác minh: {{ findings }}",
            "Kết luận: {{ conclusion }}",
            "Có vi phạm: {{ violation }}. Hình thức xử lý kỷ luật đảng: {{ party_sanction }}. Hình thức xử lý hành chính: {{ state_sanction }}.",
        ),
    ),
    DocumentKind.COMPLAINT_DECISION: KindText(
        "QUYẾT ĐỊNH",
        (
            "Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011;",
            "Xét đơn khiếu nại nhận ngày {{ received_on_text }} về việc: {{ case_title }};",
            "Căn cứ kết quả xác minh: {{ findings }};",
            "QUYẾT ĐỊNH:",
            "Điều 1. {{ decision_result }}. {{ summary }}",
            "Điều 2. Trong thời hạn theo quy định của Luật Khiếu nại, nếu không đồng ý với Quyết định này thì người khiếu nại có quyền khiếu nại lần hai hoặc khởi kiện vụ án hành chính tại Tòa án.",
            "Điều 3. Các cơ quan, tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.",
        ),
        decision_heading=True,
        identity_bearing=True,
    ),
    DocumentKind.DENUNCIATION_CONCLUSION: KindText(
        "KẾT LUẬN",
        (
            "Ngày {{ received_on_text }}, {{ unit_name }} thụ lý tố cáo đối với {{ subject_name }}, {{ subject_position }}, {{ subject_unit }}, về việc: {{ case_title }}.",
            "Kết quả xác minh: {{ findings }}",
            "Kết luận nội dung tố cáo: {{ conclusion_result }}. {{ conclusion }}",
            "Kiến nghị xử lý: {{ recommendation }}",
        ),
    ),
    DocumentKind.RESULT_NOTICE: KindText(
        "THÔNG BÁO",
        (
            "{{ unit_name }} nhận được đơn do {{ forwarded_by }} chuyển đến, về việc: {{ case_title }} (mã hồ sơ {{ tracking_code }}).",
            "Kết quả giải quyết: {{ result_text }}",
            "{{ unit_name }} thông báo để {{ forwarded_by }} biết.",
        ),
        addressee="{{ forwarded_by }}",
    ),
    DocumentKind.PERIODIC_REPORT: KindText(
        "BÁO CÁO",
        (
            "Thực hiện chế độ báo cáo định kỳ, {{ unit_name }} báo cáo kết quả tiếp nhận, xử lý thông tin phản ánh và đơn thư như sau:",
            "Hồ sơ {{ tracking_code }}: {{ case_title }}.",
            "{{ report_text }}",
        ),
    ),
}


def summary_of(kind: DocumentKind, *, case_title: str, subject_name: str) -> str:
    """The summary (trích yếu) of a document of ``kind`` about a case; it never names a protected person."""
    about = subject_name or case_title
    summaries = {
        DocumentKind.TRANSFER_SLIP: f"Về việc chuyển đơn: {case_title}",
        DocumentKind.GUIDANCE_LETTER: "V/v hướng dẫn gửi đơn đến cơ quan có thẩm quyền",
        DocumentKind.COMPLAINT_ACCEPTANCE_NOTICE: "Về việc thụ lý giải quyết khiếu nại",
        DocumentKind.DENUNCIATION_ACCEPTANCE_NOTICE: "Về việc thụ lý tố cáo",
        DocumentKind.EXTENSION_DECISION: "Về việc gia hạn thời hạn giải quyết tố cáo",
        DocumentKind.VERIFICATION_CONCLUSION: f"Về kết quả xác minh thông tin phản ánh đối với {about}",
        DocumentKind.COMPLAINT_DECISION: "Về việc giải quyết khiếu nại",
        DocumentKind.DENUNCIATION_CONCLUSION: f"Nội dung tố cáo đối với {about}",
        DocumentKind.RESULT_NOTICE: "Về kết quả giải quyết đơn được chuyển đến",
        DocumentKind.PERIODIC_REPORT: "Kết quả tiếp nhận, xử lý thông tin phản ánh và đơn thư",
    }
    return summaries[kind]


STANDARD_KEYS = frozenset(
    {
        "document_number", "issued_on_text", "number_prefix", "document_type", "document_summary",
        "superior_name", "unit_name", "unit_name_caps", "header_mark", "party_title", "state_title", "motto",
        "place", "signer_authority", "signer_title", "signer_name", "deciding_authority", "recipients",
        "tracking_code", "case_title", "received_on_text", "petitioner_name", "petitioner_address",
        "subject_name", "subject_position", "subject_unit", "result_text", "report_text", "today_text",
    }
)  # fmt: skip
"""Every key the context provides whatever the case's forms: lint accepts them in any template."""

IDENTITY_BEARING_KINDS = frozenset(kind for kind, text in KIND_TEXTS.items() if text.identity_bearing)
"""Kinds addressed to the complainant, denouncer or petitioner: the full copy names them (stored encrypted)."""
