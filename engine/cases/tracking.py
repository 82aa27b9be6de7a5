"""Tracking codes (mã tra cứu) such as PA-2026-00042: prefix per process, counter per prefix and year."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import TrackingSequence

PREFIXES = {
    "report_1374": "PA",
    "complaint": "KN",
    "complaint_second_instance": "KN2",
    "denunciation": "TC",
    "petition_triage": "DT",
}


def next_tracking_code(session: Session, *, process_key: str, year: int) -> str:
    """Reserve the next tracking code in the current transaction."""
    prefix = PREFIXES.get(process_key, "HS")
    row = session.scalars(
        select(TrackingSequence)
        .where(TrackingSequence.prefix == prefix, TrackingSequence.year == year)
        .with_for_update()
    ).first()
    if row is None:
        row = TrackingSequence(prefix=prefix, year=year, last_number=0)
        session.add(row)
    row.last_number += 1
    session.flush()
    return f"{prefix}-{year}-{row.last_number:05d}"
