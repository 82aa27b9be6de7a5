"""The dates written in legal decisions (acceptance, suspension, termination…): checked against receipt and today.

A period the law counts "from the date of the decision" runs from the date written in it, not from the moment an
officer recorded it; so that date must be a real one: not in the future, and not before the case was received.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from engine.core.errors import BadRequest
from engine.core.models import Case


class InvalidDecisionDate(BadRequest):
    """A decision's date is missing, malformed, in the future or before the case was received."""


def parse_day(value: object, *, field: str) -> date:
    """A ``YYYY-MM-DD`` value as a date, or ``InvalidDecisionDate`` naming the field."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        raise InvalidDecisionDate(f"The date of the decision is required (field '{field}', YYYY-MM-DD)")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidDecisionDate(f"'{value}' is not a date (field '{field}', YYYY-MM-DD)") from None


def receipt_day(case: Case, data: dict, zone: ZoneInfo) -> date:
    """The day the case was received: the intake's ``received_on`` when given, else the day it was registered."""
    registered = case.created_at.astimezone(zone).date()
    written = data.get("received_on")
    if isinstance(written, str):
        try:
            return min(date.fromisoformat(written), registered)
        except ValueError:
            pass
    return registered


def check_decision_day(day: date, *, receipt: date, now: datetime, zone: ZoneInfo, field: str,
                       not_before: date | None = None, not_before_what: str = "") -> date:  # fmt: skip
    """``day`` when it is neither after today (in the calendar's zone) nor before ``receipt`` (nor ``not_before``)."""
    today = now.astimezone(zone).date()
    if day > today:
        raise InvalidDecisionDate(
            f"The date {day:%d/%m/%Y} is in the future (today is {today:%d/%m/%Y}) (field '{field}')"
        )
    if day < receipt:
        raise InvalidDecisionDate(
            f"The date {day:%d/%m/%Y} is before the case was received on {receipt:%d/%m/%Y} (field '{field}')"
        )
    if not_before is not None and day < not_before:
        raise InvalidDecisionDate(
            f"The date {day:%d/%m/%Y} is before {not_before_what} on {not_before:%d/%m/%Y} (field '{field}')"
        )
    return day
