# ruff: noqa: E501  (a table of one-line sentences reads best unwrapped)
"""Domain error messages as staff read them on a page: Vietnamese by default (English with the switch).

The engine's messages are English sentences for the API and the logs. A page matches the common ones here and
says them in Vietnamese; any other message gets a Vietnamese sentence for its kind of error, with the engine's
own words kept below as the detail.
"""

import re

from engine.processes.migration_reasons import reason_in_vietnamese

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^Case (\S+) does not exist or is not in your units$", "Hồ sơ {0} không tồn tại hoặc không thuộc đơn vị của bạn."),
        (r"^Case (\S+) does not exist$", "Hồ sơ {0} không tồn tại."),
        (r"^Task (\S+) does not exist or is not in your units$", "Công việc {0} không tồn tại hoặc không thuộc đơn vị của bạn."),
        (r"^Unit (\S+) does not exist or is not one of your units$", "Đơn vị {0} không tồn tại hoặc không phải đơn vị của bạn."),
        (r"^Unit (\S+) does not exist$", "Đơn vị {0} không tồn tại."),
        (r"^User '(.+)' does not exist$", "Tài khoản {0} không tồn tại."),
        (r"^User '(.+)' needs one of the roles (.+)$", "Tài khoản {0} cần có một trong các vai trò: {1}."),
        (r"^User '(.+)' may not (.+?): (.+)$", "Tài khoản {0} không được phép thực hiện thao tác này ({2})."),
        (r"^User '(.+)' cannot register cases for unit (\S+)$", "Tài khoản {0} không được tiếp nhận hồ sơ cho đơn vị {1}."),
        (r"^User '(.+)' belongs to no unit and cannot register cases$", "Tài khoản {0} chưa thuộc đơn vị nào nên không thể tiếp nhận hồ sơ."),
        (r"^Process '(.+)' is not deployed$", "Quy trình {0} chưa được triển khai."),
        (r"^Process '(.+)' has no version (\S+)$", "Quy trình {0} không có phiên bản {1}."),
        (r"^Periodic report (\S+) does not exist or is not of your units$", "Báo cáo {0} không tồn tại hoặc không thuộc đơn vị của bạn."),
        (r"^Migration batch (\S+) does not exist.*$", "Đợt chuyển phiên bản {0} không tồn tại hoặc không thuộc đơn vị của bạn."),
        (r"^Draft (\S+) does not exist$", "Bản nháp {0} không tồn tại."),
        (r"^Task '(.+)' of case (\S+) was already completed(.*)$", "Bước «{0}» của hồ sơ {1} đã được hoàn thành{2}."),
        (r"^Task '(.+)' was already completed by (\S+) at (.+)$", "Bước «{0}» đã được {1} hoàn thành lúc {2}."),
        (r"^Task '(.+)' of case (\S+) is already assigned to (\S+)$", "Bước «{0}» của hồ sơ {1} đã được giao cho {2}."),
        (r"^Task '(.+)' of case (\S+) is no longer (ready|open).*$", "Bước «{0}» của hồ sơ {1} không còn mở; vui lòng tải lại hồ sơ."),
        (r"^Task '(.+)' is no longer open; reload the case$", "Bước «{0}» không còn mở; vui lòng tải lại hồ sơ."),
        (r"^(.+) was changed by someone else while you worked on it; reload and retry$", "Dữ liệu vừa được người khác thay đổi trong lúc bạn làm việc; vui lòng tải lại và thử lại."),
        (r"^Unknown report figure '(.+)'; use one of .+$", "Không có chỉ tiêu báo cáo «{0}»."),
        (r"^The figure '(.+)' \((.+)\) is not a count of cases and has no list$", "Chỉ tiêu «{0}» là tỷ lệ, không phải số hồ sơ, nên không có danh sách."),
        (r"^The date (\S+) is in the future \(today is (\S+)\) \(field '(.+)'\)$", "Ngày {0} là ngày trong tương lai (hôm nay là {1})."),
        (r"^The date (\S+) is before the case was received on (\S+) \(field '(.+)'\)$", "Ngày {0} trước ngày tiếp nhận hồ sơ ({1})."),
        (r"^The date (\S+) is before the suspension on (\S+) \(field '(.+)'\)$", "Ngày {0} trước ngày tạm đình chỉ ({1})."),
        (r"^The date of the decision is required \(field '(.+)'.*$", "Cần ghi ngày quyết định."),
        (r"^A reason is required \(field 'reason'\)$", "Cần ghi lý do."),
        (r"^Case (\S+) is suspended; resume it before completing its tasks$", "Hồ sơ {0} đang tạm đình chỉ; cần quyết định tiếp tục giải quyết trước khi làm các bước."),
        (r"^Case (\S+) cannot take a (\S+) decision: it is (\S+)$", "Hồ sơ {0} không nhận quyết định này ở tình trạng hiện tại."),
    )
)  # fmt: skip
BY_STATUS = {
    400: "Yêu cầu không hợp lệ.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy nội dung bạn yêu cầu, hoặc nó không thuộc đơn vị của bạn.",
    409: "Dữ liệu đã thay đổi; vui lòng tải lại trang.",
    413: "Tệp hoặc nội dung gửi lên quá lớn.",
    422: "Dữ liệu nhập chưa hợp lệ.",
}


VIETNAMESE_LETTER = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»")


def is_vietnamese(message: str) -> bool:
    """True when the message's own words (not the names it quotes) are Vietnamese: it can be shown as it is."""
    return VIETNAMESE_LETTER.search(QUOTED.sub("", message)) is not None


def page_message(message: str, status_code: int, lang: str) -> tuple[str, str | None]:
    """The message to show and the engine's own words as a detail (None when the message says it all)."""
    if lang == "en" or is_vietnamese(message):
        return message, None
    for pattern, text in PATTERNS:
        found = pattern.match(message)
        if found:
            return text.format(*found.groups()), None
    if (refusal := reason_in_vietnamese(message)) != message:
        return refusal, None
    return BY_STATUS.get(status_code, "Không thực hiện được yêu cầu."), message
