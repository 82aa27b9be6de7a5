"""The official header of a printed report: issuing body, number, place and date, as Vietnamese documents have.

A party committee's report carries "ĐẢNG CỘNG SẢN VIỆT NAM" on the right; a government body's carries the
national motto. The place is the unit's locality ("Quận ủy Quận 1" → "Quận 1"); the date is written out, with a
leading zero for days under 10 and for January and February ("ngày 05 tháng 01 năm 2027").
"""

from dataclasses import dataclass
from datetime import date

ORGAN_PREFIXES = ("Thành ủy ", "Tỉnh ủy ", "Quận ủy ", "Huyện ủy ", "Thị ủy ", "Đảng ủy ", "Chi bộ ",
                  "Ủy ban nhân dân ", "UBND ")  # fmt: skip
PARTY = ("ĐẢNG CỘNG SẢN VIỆT NAM", "")
STATE = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True)
class Letterhead:
    """What the top of the first page says."""

    parent_body: str
    issuing_body: str
    number: str
    national: str
    motto: str
    place_and_date: str


def is_party_body(name: str) -> bool:
    """A party committee or cell (its name says "ủy" or "Chi bộ") rather than a government body."""
    lowered = name.lower()
    return " ủy" in f" {lowered}" and not lowered.startswith(("ủy ban", "uỷ ban")) or lowered.startswith("chi bộ")


def place_of(unit_name: str) -> str:
    """The locality of a unit: its name without the kind of body, capitalised ("Đảng ủy phường X" → "Phường X")."""
    place = unit_name.strip()
    for prefix in ORGAN_PREFIXES:
        if place.lower().startswith(prefix.lower()):
            place = place[len(prefix) :].strip()
            break
    return place[:1].upper() + place[1:]


def written_date(day: date) -> str:
    """``ngày 30 tháng 11 năm 2026``; ``ngày 05 tháng 01 năm 2027`` (zero before days < 10 and months 1 and 2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def unit_abbreviation(unit_name: str) -> str:
    """The initials of a unit's kind of body, for the document number ("Quận ủy Quận 1" → "QU")."""
    for prefix in ORGAN_PREFIXES:
        if unit_name.lower().startswith(prefix.lower()):
            if prefix in ("UBND ", "Ủy ban nhân dân "):
                return "UBND"
            return "".join(word[0] for word in prefix.split()).upper().replace("Ủ", "U")
    return "".join(word[0] for word in unit_name.split()[:2]).upper()


def letterhead(*, unit_name: str, parent_name: str, day: date) -> Letterhead:
    """The header of a report of ``unit_name`` made on ``day``; the number is left for the clerk to fill in."""
    national, motto = PARTY if is_party_body(unit_name) else STATE
    return Letterhead(
        parent_body=parent_name.upper(), issuing_body=unit_name.upper(),
        number=f"Số: …/BC-{unit_abbreviation(unit_name)}", national=national, motto=motto,
        place_and_date=f"{place_of(unit_name)}, {written_date(day)}",
    )  # fmt: skip
