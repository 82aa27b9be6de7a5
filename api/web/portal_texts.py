"""UI texts of the public portal (Vietnamese first, English available), kept in their own file and
added to the one table of texts (api/web/i18n.py)."""

from api.web.i18n import TEXTS

PORTAL_TEXTS: dict[str, dict[str, str]] = {
    "portal.name": {"vi": "Cổng thông tin công dân", "en": "Citizens' portal"},
    "portal.nav.report": {"vi": "Gửi phản ánh", "en": "Report a cadre"},
    "portal.nav.petition": {"vi": "Gửi đơn", "en": "File a petition"},
    "portal.nav.lookup": {"vi": "Tra cứu", "en": "Look up"},
    "portal.nav.published": {"vi": "Kết quả công khai", "en": "Published results"},
    "portal.home.intro": {
        "vi": "Gửi phản ánh về cán bộ, đảng viên hoặc gửi đơn khiếu nại, tố cáo, kiến nghị; tra cứu tiến độ xử lý "
        "bằng mã hồ sơ và mã bí mật; xem kết quả xử lý đã được công khai. Không cần đăng nhập.",
        "en": "Report a cadre or file a petition, follow its progress with the tracking code and secret, and read "
        "the published results. No sign-in needed.",
    },
    "portal.report.title": {"vi": "Gửi phản ánh về cán bộ, đảng viên", "en": "Report a cadre or party member"},
    "portal.petition.title": {"vi": "Gửi đơn khiếu nại, tố cáo, kiến nghị", "en": "File a petition"},
    "portal.relatives": {
        "vi": "Người thân được nêu trong đơn (nếu có) — được bảo vệ như người gửi đơn",
        "en": "Relatives named in the petition (if any) — protected like the sender",
    },
    "portal.relatives_hint": {
        "vi": "Mỗi dòng một người: họ tên, quan hệ (ví dụ: Trần Văn B, chồng)",
        "en": "One person per line: full name, relationship (e.g. Trần Văn B, husband)",
    },
    "portal.unit": {"vi": "Cơ quan, đơn vị nhận", "en": "Receiving unit"},
    "portal.unit_pick": {"vi": "— Chọn quận, huyện, phường, xã —", "en": "— Pick a district or ward —"},
    "portal.unit_search": {"vi": "Tìm đơn vị, ví dụ: Bến Nghé", "en": "Search a unit, e.g. Ben Nghe"},
    "portal.unit_no_match": {"vi": "Không có đơn vị nào khớp.", "en": "No unit matches."},
    "portal.attachment": {
        "vi": "Tệp đính kèm (không bắt buộc, tối đa {limit})",
        "en": "Attachment (optional, {limit} max)",
    },
    "portal.identity_note": {
        "vi": "Thông tin về người gửi và tệp đính kèm được bảo vệ theo Luật Tố cáo: chỉ người có thẩm quyền được xem.",
        "en": "The sender's details and attachments are protected by law: only the competent officials may see them.",
    },
    "portal.honeypot": {"vi": "Để trống ô này", "en": "Leave this empty"},
    "portal.submit": {"vi": "Gửi", "en": "Send"},
    "portal.invalid": {"vi": "Vui lòng sửa các trường được đánh dấu.", "en": "Please correct the marked fields."},
    "portal.not_deployed": {
        "vi": "Chức năng này tạm thời chưa sẵn sàng. Vui lòng quay lại sau hoặc gửi đơn trực tiếp tại cơ quan.",
        "en": "This service is not available yet. Please come back later or file at the office.",
    },
    "portal.filed.title": {"vi": "Đã nhận hồ sơ của bạn", "en": "Your case was received"},
    "portal.filed.keep": {
        "vi": "Hãy ghi lại mã hồ sơ và mã bí mật dưới đây. Mã bí mật chỉ hiển thị một lần và không thể cấp lại.",
        "en": "Write down the tracking code and the secret below. The secret is shown only once.",
    },
    "portal.code": {"vi": "Mã hồ sơ", "en": "Tracking code"},
    "portal.secret": {"vi": "Mã bí mật", "en": "Secret"},
    "portal.lookup.title": {"vi": "Tra cứu tiến độ xử lý", "en": "Look up a case"},
    "portal.lookup.submit": {"vi": "Tra cứu", "en": "Look up"},
    "portal.lookup.not_found": {
        "vi": "Không tìm thấy hồ sơ với mã hồ sơ và mã bí mật này. Vui lòng kiểm tra lại.",
        "en": "No case matches this tracking code and secret. Please check them.",
    },
    "portal.status.title": {"vi": "Tình trạng hồ sơ {code}", "en": "Status of case {code}"},
    "portal.status.status": {"vi": "Tình trạng", "en": "Status"},
    "portal.status.in_progress": {"vi": "Đang xử lý", "en": "In progress"},
    "portal.status.completed": {"vi": "Đã kết thúc xử lý", "en": "Concluded"},
    "portal.status.cancelled": {"vi": "Đã dừng xử lý", "en": "Handling stopped"},
    "portal.status.received": {"vi": "Ngày tiếp nhận", "en": "Received"},
    "portal.status.completed_at": {"vi": "Ngày kết thúc", "en": "Concluded on"},
    "portal.status.steps": {"vi": "Bước đang xử lý", "en": "Current steps"},
    "portal.status.no_step": {"vi": "Không có bước nào đang chờ xử lý.", "en": "No step is open."},
    "portal.status.published": {"vi": "Kết quả đã được công khai", "en": "The result is published"},
    "portal.subscribe.title": {"vi": "Nhận thông báo qua thư điện tử", "en": "Get updates by e-mail"},
    "portal.subscribe.email": {"vi": "Địa chỉ thư điện tử", "en": "E-mail address"},
    "portal.subscribe.submit": {"vi": "Đăng ký nhận thư", "en": "Subscribe"},
    "portal.subscribe.done": {
        "vi": "Đã đăng ký. Bạn sẽ nhận thư khi hồ sơ chuyển bước hoặc kết thúc.",
        "en": "Subscribed. You will get an e-mail when the case moves on or concludes.",
    },
    "portal.unsubscribe.title": {"vi": "Hủy nhận thư thông báo", "en": "Unsubscribe"},
    "portal.unsubscribe.submit": {"vi": "Hủy nhận thư", "en": "Unsubscribe"},
    "portal.unsubscribe.done": {"vi": "Bạn đã hủy nhận thư cho hồ sơ này.", "en": "You are unsubscribed."},
    "portal.published.title": {"vi": "Kết quả xử lý đã công khai", "en": "Published results"},
    "portal.published.search": {"vi": "Tìm trong nội dung", "en": "Search"},
    "portal.published.all_units": {"vi": "Tất cả đơn vị", "en": "All units"},
    "portal.published.all_fields": {"vi": "Tất cả lĩnh vực", "en": "All fields"},
    "portal.published.filter": {"vi": "Lọc", "en": "Filter"},
    "portal.published.empty": {"vi": "Chưa có kết quả nào được công khai.", "en": "Nothing published yet."},
    "portal.published.no_match": {
        "vi": "Không có kết quả công khai nào khớp với điều kiện tìm kiếm.",
        "en": "No published result matches your search.",
    },
    "portal.published.clear": {"vi": "Xem tất cả", "en": "Show all"},
    "portal.status.expected": {"vi": "Dự kiến có kết quả", "en": "Expected by"},
    "portal.status.expected_step": {"vi": "Hạn của bước đang xử lý", "en": "Deadline of the current step"},
    "portal.published.count": {"vi": "{n} kết quả", "en": "{n} results"},
    "portal.published.party": {"vi": "Hình thức kỷ luật Đảng", "en": "Party sanction"},
    "portal.published.state": {"vi": "Hình thức kỷ luật hành chính", "en": "State sanction"},
    "portal.published.on": {"vi": "Ngày công khai", "en": "Published on"},
    "portal.unit_col": {"vi": "Đơn vị", "en": "Unit"},
    "portal.field_col": {"vi": "Lĩnh vực", "en": "Field"},
    "portal.prev": {"vi": "Trang trước", "en": "Previous"},
    "portal.next": {"vi": "Trang sau", "en": "Next"},
    "portal.refused.title": {"vi": "Không thể nhận biểu mẫu", "en": "Form refused"},
    "portal.refused.token_invalid": {
        "vi": "Biểu mẫu không hợp lệ hoặc đã bị thay đổi. Vui lòng mở lại trang và gửi lại.",
        "en": "The form is invalid or was altered. Please reload the page and send it again.",
    },
    "portal.refused.too_fast": {
        "vi": "Biểu mẫu được gửi quá nhanh. Vui lòng đợi vài giây rồi gửi lại.",
        "en": "The form was sent too quickly. Please wait a few seconds and send it again.",
    },
    "portal.refused.expired": {
        "vi": "Biểu mẫu đã hết hạn. Vui lòng mở lại trang và gửi lại.",
        "en": "The form has expired. Please reload the page and send it again.",
    },
    "portal.refused.reused": {
        "vi": "Biểu mẫu này đã được gửi. Mỗi biểu mẫu chỉ được gửi một lần.",
        "en": "This form was already sent. Each form can be sent once.",
    },
    "portal.refused.honeypot": {
        "vi": "Biểu mẫu có dấu hiệu gửi tự động nên không được tiếp nhận.",
        "en": "The form looks automated and was not accepted.",
    },
    "portal.too_many.title": {"vi": "Quá nhiều yêu cầu", "en": "Too many requests"},
    "portal.too_many": {
        "vi": "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau {time} ngày {day}.",
        "en": "Too many requests. Please try again after {time} on {day}.",
    },
    "portal.too_big.title": {"vi": "Tệp quá lớn", "en": "File too large"},
    "portal.too_big": {
        "vi": "Tệp đính kèm lớn hơn giới hạn {limit}. Vui lòng gửi tệp nhỏ hơn.",
        "en": "The attachment is larger than {limit}. Please send a smaller file.",
    },
    "portal.back": {"vi": "Quay lại trang chủ cổng", "en": "Back to the portal"},
}


TEXTS.update(PORTAL_TEXTS)  # one table, one lookup: portal pages call ``translate`` like the staff pages
