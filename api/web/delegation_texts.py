"""UI texts of the absence (vắng mặt / ủy quyền) and team pages, Vietnamese first, added to the one table of texts
(api/web/i18n.py)."""

from api.web.i18n import TEXTS

DELEGATION_TEXTS: dict[str, dict[str, str]] = {
    "nav.absences": {"vi": "Vắng mặt / ủy quyền", "en": "Absences / deputies"},
    "nav.team": {"vi": "Giao việc của nhóm", "en": "Team tasks"},
    "absences.title": {"vi": "Vắng mặt / ủy quyền", "en": "Absences and deputies"},
    "absences.intro": {
        "vi": "Trong thời gian vắng mặt, việc được giao đích danh cho người vắng sẽ chuyển cho người được ủy quyền. "
        "Người vắng vẫn có thể nhận và xử lý việc. Việc đang mở có thể bàn giao một lần cho người được ủy quyền.",
        "en": "While someone is away, tasks assigned to them by name go to their deputy. The absent person may "
        "still claim and complete tasks. Their open tasks can be handed over to the deputy in one action.",
    },
    "absences.declare": {"vi": "Khai báo vắng mặt", "en": "Declare an absence"},
    "absences.person": {"vi": "Người vắng mặt", "en": "Who is away"},
    "absences.deputy": {"vi": "Người được ủy quyền", "en": "Deputy"},
    "absences.starts_on": {"vi": "Từ ngày", "en": "From"},
    "absences.ends_on": {"vi": "Đến ngày", "en": "To"},
    "absences.period": {"vi": "Thời gian", "en": "Period"},
    "absences.reason": {"vi": "Lý do", "en": "Reason"},
    "absences.status": {"vi": "Trạng thái", "en": "Status"},
    "absences.declared_by": {"vi": "Người khai báo", "en": "Declared by"},
    "absences.submit": {"vi": "Khai báo", "en": "Declare"},
    "absences.cancel": {"vi": "Hủy vắng mặt", "en": "Cancel"},
    "absences.hand_over": {"vi": "Bàn giao việc đang mở", "en": "Hand over open tasks"},
    "absences.handed_over_at": {"vi": "Đã bàn giao lúc", "en": "Handed over at"},
    "absences.none": {"vi": "Chưa có khai báo vắng mặt nào.", "en": "No absence declared."},
    "absences.list": {"vi": "Danh sách vắng mặt", "en": "Absences"},
    "absences.pick": {"vi": "— Chọn —", "en": "— Choose —"},
    "absences.status.upcoming": {"vi": "Sắp tới", "en": "Upcoming"},
    "absences.status.current": {"vi": "Đang vắng", "en": "Away now"},
    "absences.status.ended": {"vi": "Đã kết thúc", "en": "Over"},
    "absences.status.cancelled": {"vi": "Đã hủy", "en": "Cancelled"},
    "absences.done.declared": {"vi": "Đã khai báo vắng mặt.", "en": "The absence was declared."},
    "absences.done.cancelled": {"vi": "Đã hủy vắng mặt.", "en": "The absence was cancelled."},
    "absences.done.handed_over": {
        "vi": "Đã bàn giao {moved} việc cho người được ủy quyền; {kept} việc giữ lại.",
        "en": "{moved} tasks handed over to the deputy; {kept} kept.",
    },
    "absences.kept.deputy_cannot_take": {
        "vi": "người được ủy quyền không có vai trò hoặc đơn vị của việc này",
        "en": "the deputy lacks this task's role or unit",
    },
    "absences.kept.not_your_unit": {"vi": "việc thuộc đơn vị bạn không quản lý", "en": "a task of another unit"},
    "absences.kept.case_stopped": {"vi": "hồ sơ đang bị dừng do lỗi", "en": "the case is stopped by an error"},
    "absences.kept.title": {"vi": "Việc giữ lại", "en": "Tasks kept"},
    "absences.bad_date": {"vi": "Ngày không hợp lệ: {value} (dd/mm/yyyy)", "en": "Not a date: {value} (dd/mm/yyyy)"},
    "absences.error.reason_missing": {"vi": "Cần nhập lý do vắng mặt.", "en": "A reason is required."},
    "absences.error.reason_too_long": {
        "vi": "Lý do quá dài: tối đa {limit} ký tự.",
        "en": "The reason is too long: at most {limit} characters.",
    },  # fmt: skip
    "absences.error.dates_reversed": {
        "vi": "Ngày kết thúc ({ends}) trước ngày bắt đầu ({starts}).",
        "en": "The end ({ends}) is before the start ({starts}).",
    },
    "absences.error.in_the_past": {
        "vi": "Thời gian vắng đã qua (kết thúc {ends}, hôm nay {today}): không có gì để ủy quyền.",
        "en": "The absence is over (ended {ends}, today {today}): nothing to delegate.",
    },
    "absences.error.too_long": {"vi": "Vắng mặt tối đa {limit} ngày.", "en": "An absence lasts at most {limit} days."},
    "absences.error.no_such_person": {
        "vi": "Không tìm thấy người dùng '{username}'.",
        "en": "No active user '{username}'.",
    },  # fmt: skip
    "absences.error.not_a_handler": {
        "vi": "'{username}' không xử lý hồ sơ: không có việc để ủy quyền.",
        "en": "'{username}' handles no cases: nothing to delegate.",
    },
    "absences.error.no_deputy": {
        "vi": "Cần chọn người được ủy quyền đang hoạt động.",
        "en": "Choose an active deputy.",
    },  # fmt: skip
    "absences.error.deputy_is_self": {
        "vi": "Người được ủy quyền phải là người khác.",
        "en": "The deputy must be someone else.",
    },  # fmt: skip
    "absences.error.deputy_role": {
        "vi": "Người được ủy quyền phải có cùng vai trò xử lý hồ sơ ({roles}).",
        "en": "The deputy must share a case-handling role ({roles}).",
    },
    "absences.error.deputy_unit": {
        "vi": "Người được ủy quyền phải cùng đơn vị với người vắng mặt.",
        "en": "The deputy must work in a unit of the absent person.",
    },
    "absences.error.overlap": {
        "vi": "Đã có khai báo vắng mặt từ {starts} đến {ends} trùng thời gian này.",
        "en": "An absence from {starts} to {ends} already covers these days.",
    },
    "absences.error.person_is_deputy": {
        "vi": "Người này đang được ủy quyền thay {absent} từ {starts} đến {ends}; cần đổi người ủy quyền đó trước.",
        "en": "This person stands in for {absent} from {starts} to {ends}; that absence needs another deputy first.",
    },
    "absences.error.deputy_absent": {
        "vi": "Người được ủy quyền ({deputy}) cũng vắng mặt từ {starts} đến {ends}.",
        "en": "The deputy ({deputy}) is away too, from {starts} to {ends}.",
    },
    "team.title": {"vi": "Giao việc của nhóm", "en": "Team tasks"},
    "team.intro": {
        "vi": "Chọn nhiều việc đang mở và giao lại cho một người trong một thao tác (tất cả hoặc không việc nào).",
        "en": "Pick several open tasks and give them to one person at once (all of them, or none).",
    },
    "team.select": {"vi": "Chọn", "en": "Select"},
    "team.assignee": {"vi": "Giao cho", "en": "Give to"},
    "team.reassign": {"vi": "Giao lại các việc đã chọn", "en": "Reassign the selected tasks"},
    "team.none_chosen": {"vi": "Chọn ít nhất một việc để giao lại.", "en": "Tick at least one task to reassign."},
    "team.none": {"vi": "Nhóm không có việc nào đang mở.", "en": "The team has no open task."},
    "team.done": {"vi": "Đã giao lại {count} việc.", "en": "{count} tasks reassigned."},
    "team.shown": {"vi": "Hiển thị {shown}/{total} việc.", "en": "Showing {shown} of {total} tasks."},
    "team.group": {"vi": "(nhóm)", "en": "(group)"},
    "event.task_delegated": {"vi": "Chuyển cho người được ủy quyền", "en": "Passed to the deputy"},
    "event.task_handed_over": {"vi": "Bàn giao việc khi vắng mặt", "en": "Handed over during an absence"},
}

TEXTS.update(DELEGATION_TEXTS)  # one table, one lookup: these pages call ``translate`` like every other page
