"""Which layout a unit's documents take and what its letterhead says, read from the unit tree's names.

A Party committee or inspection committee (Thành ủy, Quận ủy, Đảng ủy, Ủy ban Kiểm tra) issues in the Party
layout (Hướng dẫn 36-HD/VPTW): its Party organisation above it ("ĐẢNG BỘ TP. HỒ CHÍ MINH"), its own name, a star,
"Số 12-TB/QU", and "ĐẢNG CỘNG SẢN VIỆT NAM" on the right. A people's committee or inspectorate (UBND, Thanh tra)
issues in the state layout (Nghị định 30/2020/NĐ-CP): its superior body above it, "Số: 12/TB-UBND", and
"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc". The unit's name gives the kind of body, its
abbreviation in the number and the place in "Quận 1, ngày …".
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from engine.core.models import Unit


class BodyType(StrEnum):
    """Whether a unit issues in the Party's layout or the state's."""

    PARTY = "party"
    STATE = "state"


@dataclass(frozen=True)
class _Prefix:
    words: str  # how the unit's name starts, lower case
    body_type: BodyType
    abbreviation: str  # in the number: 12-TB/QU, 12/TB-UBND
    authority: str  # the signer signs on behalf of (T/M, TM.)
    title: str  # the signer's usual title
    decider: str  # who decides, above a decision's legal grounds


PREFIXES = (
    _Prefix("ủy ban kiểm tra", BodyType.PARTY, "UBKT", "T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM", "ỦY BAN KIỂM TRA"),
    _Prefix("thành ủy", BodyType.PARTY, "TU", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "BAN THƯỜNG VỤ THÀNH ỦY"),
    _Prefix("tỉnh ủy", BodyType.PARTY, "TU", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "BAN THƯỜNG VỤ TỈNH ỦY"),
    _Prefix("quận ủy", BodyType.PARTY, "QU", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "BAN THƯỜNG VỤ QUẬN ỦY"),
    _Prefix("huyện ủy", BodyType.PARTY, "HU", "T/M BAN THƯỜNG VỤ", "BÍ THƯ", "BAN THƯỜNG VỤ HUYỆN ỦY"),
    _Prefix("đảng ủy", BodyType.PARTY, "ĐU", "T/M ĐẢNG ỦY", "BÍ THƯ", "ĐẢNG ỦY"),
    _Prefix("ủy ban nhân dân", BodyType.STATE, "UBND", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN"),
    _Prefix("ubnd", BodyType.STATE, "UBND", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "CHỦ TỊCH ỦY BAN NHÂN DÂN"),
    _Prefix("thanh tra", BodyType.STATE, "TTr", "", "CHÁNH THANH TRA", "CHÁNH THANH TRA"),
)
_FALLBACK = _Prefix("", BodyType.STATE, "VP", "", "THỦ TRƯỞNG CƠ QUAN", "THỦ TRƯỞNG CƠ QUAN")
_PLACE_WORDS = ("phường ", "xã ", "thị trấn ")


@dataclass(frozen=True)
class Letterhead:
    """What a unit's documents print around their text."""

    body_type: BodyType
    superior_name: str  # "ĐẢNG BỘ TP. HỒ CHÍ MINH", "UBND THÀNH PHỐ HỒ CHÍ MINH"; empty for a root unit
    unit_name: str  # "Quận ủy Quận 1"
    abbreviation: str  # "QU"
    place: str  # "Quận 1"
    signer_authority: str  # "T/M BAN THƯỜNG VỤ"
    signer_title: str  # "BÍ THƯ"
    deciding_authority: str  # "BAN THƯỜNG VỤ QUẬN ỦY QUẬN 1"

    def number_prefix(self) -> str:
        """What stands before the number and symbol: "Số " (Party: "Số 12-TB/QU") or "Số: " ("Số: 12/TB-UBND")."""
        return "Số " if self.body_type is BodyType.PARTY else "Số: "

    def context(self) -> dict[str, str]:
        """The letterhead's placeholders of a template."""
        party = self.body_type is BodyType.PARTY
        return {
            "superior_name": self.superior_name.upper(),
            "unit_name": self.unit_name,
            "unit_name_caps": self.unit_name.upper(),
            "header_mark": "*" if party else "",
            "party_title": "ĐẢNG CỘNG SẢN VIỆT NAM" if party else "",
            "state_title": "" if party else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "motto": "" if party else "Độc lập - Tự do - Hạnh phúc",
            "place": self.place,
            "signer_authority": self.signer_authority,
            "signer_title": self.signer_title,
            "deciding_authority": self.deciding_authority,
        }


def _prefix_of(name: str) -> _Prefix:
    lowered = name.strip().lower()
    for prefix in PREFIXES:
        if lowered.startswith(prefix.words):
            return prefix
    return _FALLBACK


def _rest(name: str, prefix: _Prefix) -> str:
    """The unit's name without its kind of body: "Quận ủy Quận 1" → "Quận 1"."""
    return name.strip()[len(prefix.words) :].strip() if prefix.words else name.strip()


def _place(rest: str) -> str:
    lowered = rest.lower()
    for word in _PLACE_WORDS:
        if lowered.startswith(word):
            return rest[len(word) :].strip()
    return rest


def _superior(parent: Unit | None, body_type: BodyType) -> str:
    if parent is None:
        return ""
    prefix = _prefix_of(parent.name)
    if body_type is BodyType.PARTY and prefix.body_type is BodyType.PARTY:
        return f"Đảng bộ {_rest(parent.name, prefix)}"
    return parent.name


def letterhead_of(session: Session, unit: Unit) -> Letterhead:
    """The letterhead of ``unit``: its layout, its superior's name, its abbreviation, place and signer's title."""
    prefix = _prefix_of(unit.name)
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    rest = _rest(unit.name, prefix)
    return Letterhead(
        body_type=prefix.body_type,
        superior_name=_superior(parent, prefix.body_type),
        unit_name=unit.name.strip(),
        abbreviation=prefix.abbreviation,
        place=_place(rest) or unit.name.strip(),
        signer_authority=prefix.authority,
        signer_title=prefix.title,
        deciding_authority=f"{prefix.decider} {rest.upper()}".strip(),
    )
