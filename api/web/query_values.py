"""Reading ids and numbers from a page's query string or form: ASCII digits only, within the database's range."""

MAX_ID = 2**63 - 1
"""The largest id the databases store (a signed 64-bit integer)."""


def parse_id(value: object) -> int | None:
    """The positive integer ``value`` spells in ASCII digits (``str.isdigit`` also accepts "²"), or None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
