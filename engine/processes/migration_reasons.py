# ruff: noqa: E501  (a table of one-line sentences reads best unwrapped)
"""Why a case cannot move to another version, in Vietnamese for the pages (the engine's reasons stay English for
the API, the audit trail and the logs).

A reason names steps as ``'Tên bước' (bpmn_id)``; in Vietnamese the step is named by its name alone: «Tên bước».
"""

import re

STATES = {"ready": "đang mở", "waiting": "đang chờ", "completed": "đã xong", "started": "đang chạy",
          "future": "chưa tới", "likely": "sắp tới", "maybe": "có thể tới", "error": "lỗi", "cancelled": "đã hủy"}  # fmt: skip
STATUSES = {"cancelled": "đã hủy", "error": "lỗi quy trình", "completed": "đã kết thúc"}
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^Case (\S+) belongs to process '(.+)', not '(.+)'$", "Hồ sơ {0} thuộc quy trình «{1}», không phải «{2}»"),
        (r"^Case (\S+) is already on version (\d+)$", "Hồ sơ {0} đã ở phiên bản {1}"),
        (r"^Case (\S+) is completed; only running cases can move$", "Hồ sơ {0} đã kết thúc; chỉ hồ sơ đang xử lý mới chuyển được phiên bản"),
        (r"^Case (\S+) is stopped by an error in '(.*)': (.*)$", "Hồ sơ {0} đang dừng do lỗi ở bước «{1}»: {2}"),
        (r"^Case (\S+) is (\S+); only running cases can move$", "Hồ sơ {0} đang ở trạng thái «{1}»; chỉ hồ sơ đang xử lý mới chuyển được phiên bản"),
        (r"^Its current step (.+) does not exist in version (\d+)$", "Bước hiện tại {0} không còn trong phiên bản {1}"),
        (r"^It has passed step (.+), which version (\d+) removes$", "Hồ sơ đã qua bước {0}, bước này không còn trong phiên bản {1}"),
        (r"^Its subprocess '(.+)' does not exist in version (\d+)$", "Quy trình con «{0}» không còn trong phiên bản {1}"),
        (r"^Version (\d+) cannot be applied to the case data: (.*)$", "Không áp dụng được phiên bản {0} cho dữ liệu của hồ sơ: {1}"),
        (r"^Step (.+) \((\w+)\) has no counterpart in version (\d+)$", "Bước {0} ({1}) không có bước tương ứng trong phiên bản {2}"),
        (r"^Version (\d+) requires (.+) in form '(.+)' of step '(.+)' \((.+)\), which the case does not have$", "Phiên bản {0} yêu cầu trường {1} ở biểu mẫu của bước «{3}», nhưng hồ sơ chưa có"),
        (r"^Version (\d+) needs '(.+)' at (.+), which the case does not have and no step ahead provides$", "Phiên bản {0} cần dữ liệu «{1}» tại {2}, nhưng hồ sơ chưa có và không bước nào phía trước cung cấp"),
        (r"^Version (\d+) stops at '(.*)': (.*)$", "Phiên bản {0} dừng ở bước «{1}»: {2}"),
    )
)  # fmt: skip
REFUSED = re.compile(r"^Case (\S+) cannot move to version (\d+): (.*)$", re.S)
STEP = re.compile(r"'([^']+)' \([\w.:-]+\)")


def _one(reason: str) -> str:
    for pattern, text in PATTERNS:
        found = pattern.match(reason)
        if found:
            values = [STATES.get(v, STATUSES.get(v, v)) for v in found.groups()]
            return STEP.sub(r"«\1»", text.format(*values))
    return reason


def reason_in_vietnamese(reason: str) -> str:
    """A migration refusal reason (or a whole "Case … cannot move to version …: a; b" message) in Vietnamese."""
    refused = REFUSED.match(reason)
    if refused:
        code, version, reasons = refused.groups()
        parts = "; ".join(_one(part) for part in reasons.split("; "))
        return f"Hồ sơ {code} không chuyển được sang phiên bản {version}: {parts}"
    return _one(reason)


def reason_for(reason: str, lang: str) -> str:
    """The reason in the page's language."""
    return reason if lang == "en" else reason_in_vietnamese(reason)
