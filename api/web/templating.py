"""The Jinja2 environment of the web pages: autoescaping, translations, dates in the calendar's zone."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.web.i18n import translate

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def build_environment(zone: ZoneInfo) -> Environment:
    """A Jinja2 environment whose ``when`` filter shows times in ``zone``."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]), trim_blocks=True
    )

    def when(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
        return value.astimezone(zone).strftime(fmt) if value else ""

    environment.filters["when"] = when
    environment.filters["day"] = lambda value: (
        when(value, "%d/%m/%Y") if isinstance(value, datetime) else (value.strftime("%d/%m/%Y") if value else "")
    )
    environment.globals["translate"] = translate
    return environment
