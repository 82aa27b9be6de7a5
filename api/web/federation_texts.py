"""UI texts of the federation page (Liên thông), added to the one table of texts (api/web/i18n.py)."""

from api.web.i18n import TEXTS

FEDERATION_TEXTS: dict[str, dict[str, str]] = {
    "federation.title": {"vi": "Liên thông", "en": "Federation"},
    "federation.instance": {"vi": "Hệ thống này", "en": "This instance"},
    "federation.name": {"vi": "Tên hệ thống", "en": "Instance name"},
    "federation.public_key": {"vi": "Khóa công khai", "en": "Public key"},
    "federation.no_identity": {
        "vi": "Hệ thống này chưa có tên và khóa liên thông. Chạy lệnh: phananh instance key --name TÊN",
        "en": "This instance has no federation name and keys yet. Run: phananh instance key --name NAME",
    },
    "federation.peers": {"vi": "Hệ thống liên thông", "en": "Peer instances"},
    "federation.no_peers": {"vi": "Chưa đăng ký hệ thống liên thông nào.", "en": "No peer registered yet."},
    "federation.url": {"vi": "Địa chỉ", "en": "Address"},
    "federation.waiting": {"vi": "Đang chờ gửi", "en": "Waiting"},
    "federation.delivered": {"vi": "Đã gửi", "en": "Delivered"},
    "federation.received": {"vi": "Đã nhận", "en": "Received"},
    "federation.last_error": {"vi": "Lỗi gần nhất", "en": "Last error"},
    "federation.add_peer": {"vi": "Đăng ký hệ thống liên thông", "en": "Register a peer"},
    "federation.peer_name": {"vi": "Tên hệ thống (ví dụ quan-3)", "en": "Instance name (e.g. quan-3)"},
    "federation.add": {"vi": "Đăng ký", "en": "Register"},
    "federation.added": {"vi": "Đã đăng ký hệ thống liên thông.", "en": "The peer is registered."},
    "federation.refusals": {"vi": "Thông điệp bị từ chối", "en": "Refused messages"},
    "federation.no_refusals": {"vi": "Không có thông điệp nào bị từ chối.", "en": "No message was refused."},
    "federation.at": {"vi": "Thời điểm", "en": "When"},
    "federation.sender": {"vi": "Hệ thống gửi", "en": "Sender"},
    "federation.reason": {"vi": "Lý do", "en": "Reason"},
    "federation.address": {"vi": "Địa chỉ gửi", "en": "From address"},
    "federation.reason.malformed": {"vi": "Không đúng định dạng", "en": "Malformed"},
    "federation.reason.unknown_peer": {"vi": "Hệ thống gửi chưa được đăng ký", "en": "Unknown sender"},
    "federation.reason.bad_signature": {"vi": "Chữ ký không hợp lệ", "en": "Bad signature"},
    "federation.reason.wrong_recipient": {"vi": "Gửi nhầm hệ thống nhận", "en": "Addressed to another instance"},
    "federation.reason.outside_window": {"vi": "Quá thời hạn hợp lệ (5 phút)", "en": "Outside the 5-minute window"},
}
TEXTS.update(FEDERATION_TEXTS)
