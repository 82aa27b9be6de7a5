"""The registers of outgoing documents (sổ văn bản đi): one per unit, year and kind, numbered from 1 without gaps.

``next_number`` takes the next number inside the issuing transaction with one upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on PostgreSQL and SQLite alike): PostgreSQL locks the register's
row until the transaction ends and SQLite holds its write lock, so concurrent issuers queue, each gets a distinct
number, and a rolled-back step gives its number back (no gap).

A document's symbol follows the issuing body: a Party body writes ``12-TB/Q1`` (Hướng dẫn 36-HD/VPTW), a state
body ``12/TB-UBND`` (Nghị định 30/2020/NĐ-CP). The units carry no body type, so a unit is a Party body when its
name says so (Thành ủy, Quận ủy, Đảng ủy, Chi bộ…); its abbreviation is its code in capitals.
"""

import re
import unicodedata
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.core.models import Unit
from engine.documents.kinds import KIND_INFO, DocumentKind

NEXT_NUMBER = text(
    "INSERT INTO document_registers (unit_id, year, kind, last_number) VALUES (:unit_id, :year, :kind, 1) "
    "ON CONFLICT (unit_id, year, kind) DO UPDATE SET last_number = document_registers.last_number + 1 "
    "RETURNING last_number"
)
PARTY_WORDS = ("thành ủy", "tỉnh ủy", "quận ủy", "huyện ủy", "thị ủy", "đảng ủy", "chi bộ", "ủy ban kiểm tra")


def next_number(session: Session, *, unit_id: int, year: int, kind: str) -> int:
    """The next number of the unit's register of ``kind`` for ``year``, taken in the caller's transaction."""
    values = {"unit_id": unit_id, "year": year, "kind": DocumentKind(kind).value}
    return int(session.execute(NEXT_NUMBER, values).scalar_one())


def is_party_body(unit: Unit) -> bool:
    """Whether the unit is a Party body (its name says so), whose symbols are written ``12-TB/Q1``."""
    name = unicodedata.normalize("NFC", unit.name).lower()
    return any(word in name for word in PARTY_WORDS)


def unit_abbreviation(unit: Unit) -> str:
    """The unit's part of a symbol: its code in capitals, without spaces."""
    return re.sub(r"\s+", "", unit.code).upper()


def document_symbol(unit: Unit, kind: str, number: int) -> str:
    """The number and symbol (số, ký hiệu) of a document: ``12-TB/Q1`` for a Party body, ``12/TB-UBND`` else."""
    symbol = KIND_INFO[DocumentKind(kind)].symbol
    if is_party_body(unit):
        return f"{number}-{symbol}/{unit_abbreviation(unit)}"
    return f"{number}/{symbol}-{unit_abbreviation(unit)}"


def date_written_out(day: date) -> str:
    """A date as official documents write it after the place: ``30 tháng 11 năm 2026``; a day below 10 and the
    months 1 and 2 take a leading zero (``05 tháng 02 năm 2027``, ``05 tháng 3 năm 2027``)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d} tháng {month} năm {day.year}"
