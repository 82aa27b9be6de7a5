"""Instance and peer names: short, lower-case, as they appear in envelopes and on the command line."""

import re

from engine.core.errors import BadRequest

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def check_instance_name(name: str) -> str:
    """``name`` if it is a valid instance name, else ``BadRequest`` naming the rule."""
    if not NAME_PATTERN.match(name):
        raise BadRequest(
            f"Tên hệ thống {name!r} không hợp lệ: chỉ gồm 1–63 chữ thường a–z, chữ số hoặc dấu '-', "
            "bắt đầu bằng chữ hoặc số"
        )
    return name
