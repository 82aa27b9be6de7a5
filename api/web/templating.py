"""The Jinja2 environment of the web pages: autoescaping, translations, dates in the calendar's zone."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from api.web.i18n import translate
from engine.processes.migration_reasons import reason_for
from engine.reports.numbers import format_change, format_number, format_percent

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

    @pass_context
    def number(context: Context, value: int | float) -> str:
        return format_number(value, context.get("lang", "vi"))

    @pass_context
    def change(context: Context, value: int | float) -> str:
        return format_change(value, context.get("lang", "vi"))

    @pass_context
    def percent_change(context: Context, value: float | None) -> str:
        return format_percent(value, context.get("lang", "vi"))

    @pass_context
    def refusal(context: Context, reason: str) -> str:
        return reason_for(reason, context.get("lang", "vi"))

    environment.filters.update(number=number, change=change, percent_change=percent_change, refusal=refusal)
    return environment
