"""The one table of Vietnamese (and English) labels of the system's codes: roles (BPMN lanes are roles), case,
task and timer statuses, the data the processes' scripts compute, and process and step names from the deployed
BPMN definitions."""

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus, TaskStatus, TimerStatus
from engine.core.models import ProcessDefinition, User
from engine.people.roles import Role

Label = dict[str, str]
"""A label per language: ``{"vi": ..., "en": ...}``."""

ROLES: dict[str, Label] = {
    Role.OFFICER: {"vi": "Cán bộ", "en": "Officer"},
    Role.TEAM_LEAD: {"vi": "Tổ trưởng", "en": "Team lead"},
    Role.SUPERVISOR: {"vi": "Lãnh đạo", "en": "Supervisor"},
    Role.CUSTODIAN: {"vi": "Người giữ danh tính bảo vệ", "en": "Identity custodian"},
    Role.DESIGNER: {"vi": "Thiết kế quy trình", "en": "Process designer"},
    Role.ADMIN: {"vi": "Quản trị hệ thống", "en": "Administrator"},
    Role.CITIZEN: {"vi": "Công dân", "en": "Citizen"},
}
CASE_STATUSES: dict[str, Label] = {
    CaseStatus.IN_PROGRESS: {"vi": "Đang xử lý", "en": "In progress"},
    CaseStatus.COMPLETED: {"vi": "Đã hoàn thành", "en": "Completed"},
    CaseStatus.ERROR: {"vi": "Lỗi quy trình", "en": "Process error"},
    CaseStatus.CANCELLED: {"vi": "Đã hủy", "en": "Cancelled"},
    CaseStatus.SUSPENDED: {"vi": "Tạm đình chỉ", "en": "Suspended"},
    CaseStatus.WITHDRAWN: {"vi": "Đã rút đơn", "en": "Withdrawn"},
    CaseStatus.TERMINATED: {"vi": "Đình chỉ giải quyết", "en": "Terminated"},
}
TASK_STATUSES: dict[str, Label] = {
    TaskStatus.READY: {"vi": "Đang chờ xử lý", "en": "Open"},
    TaskStatus.COMPLETED: {"vi": "Đã hoàn thành", "en": "Completed"},
    TaskStatus.CANCELLED: {"vi": "Đã hủy", "en": "Cancelled"},
}
TIMER_STATUSES: dict[str, Label] = {
    TimerStatus.WAITING: {"vi": "Đang chờ đến hạn", "en": "Waiting"},
    TimerStatus.FIRED: {"vi": "Đã đến hạn", "en": "Fired"},
    TimerStatus.CANCELLED: {"vi": "Đã hủy", "en": "Cancelled"},
}
COMPUTED_FIELDS: dict[str, Label] = {
    "verification_deadline": {"vi": "Hạn xác minh", "en": "Verification deadline"},
    "verification_reminder_at": {"vi": "Ngày nhắc hạn xác minh", "en": "Verification reminder"},
    "reminder_sent": {"vi": "Đã nhắc hạn", "en": "Reminder sent"},
    "rework_round": {"vi": "Số lần trả lại xác minh", "en": "Rework rounds"},
    "max_rework_rounds": {"vi": "Số lần trả lại tối đa", "en": "Most rework rounds"},
    "triage_deadline": {"vi": "Hạn xử lý đơn", "en": "Triage deadline"},
    "triage_reminder_at": {"vi": "Ngày nhắc hạn xử lý đơn", "en": "Triage reminder"},
    "acceptance_days": {"vi": "Số ngày thụ lý", "en": "Days to accept"},
    "acceptance_deadline": {"vi": "Hạn thụ lý", "en": "Acceptance deadline"},
    "acceptance_reminder_at": {"vi": "Ngày nhắc hạn thụ lý", "en": "Acceptance reminder"},
    "acceptance_check_days": {"vi": "Số ngày kiểm tra điều kiện thụ lý", "en": "Days to check acceptance"},
    "acceptance_check_deadline": {"vi": "Hạn kiểm tra điều kiện thụ lý", "en": "Acceptance check deadline"},
    "acceptance_check_reminder_at": {"vi": "Ngày nhắc hạn kiểm tra thụ lý", "en": "Acceptance check reminder"},
    "conditions_met": {"vi": "Đủ điều kiện thụ lý", "en": "Conditions met"},
    "notification_days": {"vi": "Số ngày thông báo", "en": "Days to notify"},
    "notification_deadline": {"vi": "Hạn thông báo", "en": "Notification deadline"},
    "notification_reminder_at": {"vi": "Ngày nhắc hạn thông báo", "en": "Notification reminder"},
    "resolution_days": {"vi": "Số ngày giải quyết", "en": "Days to resolve"},
    "resolution_days_standard": {"vi": "Thời hạn giải quyết thông thường", "en": "Standard days to resolve"},
    "resolution_days_complex": {"vi": "Thời hạn giải quyết vụ việc phức tạp", "en": "Days to resolve, complex"},
    "resolution_deadline": {"vi": "Hạn giải quyết", "en": "Resolution deadline"},
    "resolution_reminder_at": {"vi": "Ngày nhắc hạn giải quyết", "en": "Resolution reminder"},
    "extension_count": {"vi": "Số lần gia hạn", "en": "Extensions"},
    "max_extensions": {"vi": "Số lần gia hạn tối đa", "en": "Most extensions"},
    "extension_days": {"vi": "Số ngày gia hạn", "en": "Extension days"},
    "extension_decisions": {"vi": "Các quyết định gia hạn", "en": "Extension decisions"},
    "extension_refusal": {"vi": "Lý do không gia hạn", "en": "Extension refused because"},
    "extension_refused": {"vi": "Không được gia hạn", "en": "Extension refused"},
    "closing_day": {"vi": "Ngày kết thúc", "en": "Closing day"},
    "complaint_instance": {"vi": "Lần giải quyết", "en": "Complaint instance"},
    "reply_deadline": {"vi": "Hạn trả lời", "en": "Reply deadline"},
    "second_instance_request_days": {"vi": "Số ngày được khiếu nại lần hai", "en": "Days to ask a second instance"},
    "second_instance_request_deadline": {"vi": "Hạn khiếu nại lần hai", "en": "Second instance deadline"},
    "matter_id": {"vi": "Vụ việc", "en": "Matter"},
    "tracking_code": {"vi": "Mã hồ sơ", "en": "Tracking code"},
    "follow_up_deadline": {"vi": "Hạn theo dõi thi hành", "en": "Follow-up deadline"},
    "follow_up_reminder_at": {"vi": "Ngày nhắc hạn theo dõi thi hành", "en": "Follow-up reminder"},
    "remote_area": {"vi": "Vùng sâu, vùng xa", "en": "Remote area"},
    "resolution_start": {"vi": "Ngày bắt đầu tính hạn giải quyết", "en": "Resolution period starts"},
}
"""Labels of the data the processes' scripts compute (no form collects them)."""

SYSTEM_ACTOR: Label = {"vi": "Hệ thống", "en": "System"}


def _pick(table: Mapping[str, Label], code: str | None, lang: str) -> str:
    if not code:
        return "—"
    label = table.get(code)
    return label.get(lang, label["vi"]) if label else humanised(code)


def humanised(key: str) -> str:
    """A code read as words, for what no table names: ``verification_reminder_at`` → "Verification reminder at"."""
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else "—"


def role_label(code: str | None, lang: str = "vi") -> str:
    """The name of a role (or of a BPMN lane, which names a role)."""
    return _pick(ROLES, code, lang)


def roles_label(codes: Iterable[str], lang: str = "vi") -> str:
    """The names of several roles, comma-separated."""
    return ", ".join(role_label(code, lang) for code in codes)


def case_status_label(code: str | None, lang: str = "vi") -> str:
    """The name of a case status."""
    return _pick(CASE_STATUSES, code, lang)


def task_status_label(code: str | None, lang: str = "vi") -> str:
    """The name of a task status."""
    return _pick(TASK_STATUSES, code, lang)


def timer_status_label(code: str | None, lang: str = "vi") -> str:
    """The name of a timer status."""
    return _pick(TIMER_STATUSES, code, lang)


def computed_field_label(key: str, lang: str = "vi") -> str:
    """The label of a data field no form collects (computed by a script), else the key as words."""
    return _pick(COMPUTED_FIELDS, key, lang)


def process_names(session: Session) -> dict[str, str]:
    """Process key → the BPMN name of its newest deployed version."""
    rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.name).order_by(ProcessDefinition.version))
    return {key: name or humanised(key) for key, name in rows}


def step_name(catalog: Mapping, spec_id: str | None) -> str | None:
    """The BPMN name of a step of a deployed definition (its catalog), or None when it has none."""
    if not spec_id:
        return None
    names = catalog.get("names", {}) if isinstance(catalog, Mapping) else {}
    name = names.get(spec_id)
    return name if isinstance(name, str) and name else None


def people_names(session: Session) -> dict[str, str]:
    """Username → full name of every user who has one (people are shown by name, the username on hover)."""
    return {username: name for username, name in session.execute(select(User.username, User.full_name)) if name}


UNNAMED_STEP: Label = {"vi": "một bước xử lý", "en": "a processing step"}


def step_phrase(name: str | None, spec_id: str | None, lang: str = "vi") -> str:
    """A step as a sentence names it: ``bước «Xác minh»``; a step whose BPMN task has no name (its stored name is
    empty or merely its id) is "một bước xử lý", never the id."""
    if not name or not name.strip() or name == spec_id:
        return UNNAMED_STEP.get(lang, UNNAMED_STEP["vi"])
    return f"bước «{name}»" if lang == "vi" else f"step “{name}”"


STEP_NAMES_EN: dict[str, str] = {
    "Theo dõi, đôn đốc thi hành": "Follow up the execution",
    "Chỉ đạo, đôn đốc thi hành quá hạn": "Direct an overdue follow-up",
    "Thụ lý khiếu nại": "Accept the complaint", "Xác minh nội dung khiếu nại": "Verify the complaint",
    "Đối thoại": "Dialogue", "Ra quyết định giải quyết khiếu nại": "Decide on the complaint",
    "Công bố, gửi quyết định cho các bên": "Announce the decision and send it to the parties",
    "Ghi nhận yêu cầu giải quyết lần hai": "Record the request for a second settlement",
    "Chỉ đạo xử lý quá hạn": "Direct an overdue step",
    "Phân loại, kiểm tra điều kiện thụ lý": "Classify and check the conditions for acceptance",
    "Kiểm tra nội dung tố cáo không thụ lý": "Check a denunciation not accepted",
    "Thông báo thụ lý": "Notify the acceptance", "Xác minh nội dung tố cáo": "Verify the denunciation",
    "Quyết định gia hạn giải quyết": "Decide an extension", "Kết luận nội dung tố cáo": "Conclude on the denunciation",
    "Công khai kết luận": "Publicize the conclusion", "Phân loại đơn": "Classify the petition",
    "Quyết định thẩm quyền": "Decide the competence",
    "Ghi nhận trả lời của cơ quan có thẩm quyền": "Record the competent body's reply",
    "Chỉ đạo xử lý đơn quá hạn": "Direct an overdue petition", "Phân loại, sàng lọc": "Classify and screen",
    "Chuyển hoặc lưu đơn": "Forward or file the petition", "Phân công xác minh": "Assign the verification",
    "Xác minh": "Verify", "Kết luận": "Conclude", "Phê duyệt kết luận": "Approve the conclusion",
    "Lãnh đạo kết luận (quá 3 lần trả lại)": "Leader concludes (sent back more than 3 times)",
    "Công khai kết quả": "Publicize the result",
}  # fmt: skip
"""The English names of the steps of the processes in ``processes/``, keyed by their Vietnamese BPMN name (a step
a designer renames or adds keeps its Vietnamese name on English pages)."""


def step_label(name: str | None, lang: str = "vi") -> str:
    """A step's name in the page's language (its BPMN name; English from :data:`STEP_NAMES_EN`); "—" for none."""
    if not name:
        return "—"
    return STEP_NAMES_EN.get(name, name) if lang == "en" else name
