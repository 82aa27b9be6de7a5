"""The Jinja2 environment of the web pages: autoescaping, translations, dates in the calendar's zone."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import BytecodeCache, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.bccache import Bucket
from jinja2.runtime import Context

from api.web.i18n import translate
from engine.processes.migration_reasons import reason_for
from engine.reports.numbers import format_change, format_number, format_percent

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class CompiledTemplates(BytecodeCache):
    """The page templates compiled once per process and shared by every app's environment.

    Each app has its own environment (its zone, its labels), so each would parse and compile every template
    again; they all compile with the same settings, so the compiled code is the same. A template whose source
    changed is compiled again (Jinja compares the source's checksum).
    """

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket the template's compiled code, if this process compiled it before."""
        compiled = self._compiled.get(bucket.key)
        if compiled is not None:
            bucket.bytecode_from_string(compiled)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a template's newly compiled code."""
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def build_environment(zone: ZoneInfo) -> Environment:
    """A Jinja2 environment whose ``when`` filter shows times in ``zone``."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        bytecode_cache=COMPILED_TEMPLATES,
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
