"""Texts of the decisions on a case's course (suspension, resumption, termination, withdrawal): Vietnamese first,
English with the switch."""

from api.web.i18n import TEXTS

LIFECYCLE_TEXTS: dict[str, dict[str, str]] = {
    "status.suspended": {"vi": "Tạm đình chỉ", "en": "Suspended"},
    "status.withdrawn": {"vi": "Đã rút đơn", "en": "Withdrawn"},
    "status.terminated": {"vi": "Đình chỉ giải quyết", "en": "Terminated"},
    "event.case_suspended": {"vi": "Tạm đình chỉ giải quyết", "en": "Resolution suspended"},
    "event.case_resumed": {"vi": "Tiếp tục giải quyết", "en": "Resolution resumed"},
    "event.case_terminated": {"vi": "Đình chỉ giải quyết", "en": "Resolution terminated"},
    "event.case_withdrawn": {"vi": "Người gửi đơn rút đơn", "en": "Petition withdrawn"},
    "decision.title": {"vi": "Quyết định về việc giải quyết", "en": "Decisions on the resolution"},
    "decision.reason": {"vi": "Lý do", "en": "Reason"},
    "decision.decided_on": {"vi": "Ngày quyết định", "en": "Date of the decision"},
    "decision.suspend": {"vi": "Tạm đình chỉ", "en": "Suspend"},
    "decision.resume": {"vi": "Tiếp tục giải quyết", "en": "Resume"},
    "decision.terminate": {"vi": "Đình chỉ giải quyết", "en": "Terminate"},
    "decision.withdraw": {"vi": "Ghi nhận rút đơn", "en": "Record the withdrawal"},
    "decision.suspended_note": {
        "vi": "Hồ sơ đang tạm đình chỉ: các bước chưa làm được và thời hạn tạm dừng cho đến khi tiếp tục giải quyết.",
        "en": "The case is suspended: its steps wait and its deadlines are paused until it is resumed.",
    },
    "decision.ended_note": {
        "vi": "Hồ sơ đã kết thúc mà không giải quyết (không tính là đã giải quyết trong báo cáo).",
        "en": "The case ended without a resolution (not counted as resolved in the reports).",
    },
    "decision.on": {"vi": "quyết định ngày {day}", "en": "decided on {day}"},
    "decision.moved": {
        "vi": "thời hạn lùi {calendar} ngày ({working} ngày làm việc)",
        "en": "deadlines moved by {calendar} days ({working} working days)",
    },
    "decision.done.suspended": {"vi": "Đã tạm đình chỉ giải quyết hồ sơ.", "en": "The case is suspended."},
    "decision.done.resumed": {
        "vi": "Đã tiếp tục giải quyết; các thời hạn đã được lùi.",
        "en": "Resumed; deadlines moved.",
    },
    "decision.done.terminated": {"vi": "Đã đình chỉ giải quyết hồ sơ.", "en": "The resolution is terminated."},
    "decision.done.withdrawn": {"vi": "Đã ghi nhận việc rút đơn.", "en": "The withdrawal is recorded."},
}

TEXTS.update(LIFECYCLE_TEXTS)  # one table, one lookup: the case page calls ``translate`` like every other page
