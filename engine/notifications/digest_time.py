"""When a person's daily digest falls due (kept apart from the delivery so the worker's start-up check needs no ORM)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def digest_moment(now: datetime, zone: ZoneInfo, hour: int) -> datetime:
    """The latest digest time at or before ``now``: today's ``hour`` o'clock local time, or yesterday's."""
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), time(hour=hour), tzinfo=zone)
    return today if today <= local else today - timedelta(days=1)
