"""Numbers as a Vietnamese reader writes them (Babel, locale vi_VN): ``1.234`` and ``20,0``; English on request.

Counts are integers and have no decimals; rates and other fractions keep one to two decimals, so a rate of 20 %
reads ``20,0``. Negative numbers take the typographic minus ``−``.
"""

from babel.numbers import format_decimal

LOCALES = {"vi": "vi_VN", "en": "en_US"}
MINUS = "\u2212"
INTEGER = "#,##0"
FRACTION = "#,##0.0#"


def locale_of(lang: str) -> str:
    """The Babel locale of a page language (Vietnamese for anything unknown)."""
    return LOCALES.get(lang, LOCALES["vi"])


def format_number(number: int | float, lang: str = "vi") -> str:
    """``number`` with the locale's thousands and decimal signs: ``1.234``, ``20,0``, ``−2``."""
    pattern = INTEGER if isinstance(number, int) else FRACTION
    text = format_decimal(abs(number), format=pattern, locale=locale_of(lang))
    return (MINUS if number < 0 else "") + text


def format_change(number: int | float, lang: str = "vi") -> str:
    """A change with its sign: ``+5``, ``−2``, ``0``."""
    return ("+" if number > 0 else "") + format_number(number, lang)


def format_percent(percent: float | None, lang: str = "vi") -> str:
    """A change in % with 2 decimals and its sign: ``+41,67%``; ``—`` when there is nothing to compare with."""
    if percent is None:
        return "—"
    sign = "+" if percent > 0 else MINUS if percent < 0 else ""
    return sign + format_decimal(abs(percent), format="0.00", locale=locale_of(lang)) + "%"
