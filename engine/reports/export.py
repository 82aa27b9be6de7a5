"""Exports of a report :class:`~engine.reports.model.Summary`: an XLSX workbook and a printable HTML page (the PDF,
written directly from the same formatted rows, is :mod:`engine.reports.pdf`).

The period objects are used by duck typing (``code``, ``start``, ``end``, ``label``), so this module only needs
the model for type checking.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from engine.reports.letterhead import letterhead
from engine.reports.numbers import format_change, format_number, format_percent

if TYPE_CHECKING:
    from engine.reports.model import Figure, Section, Summary
    from engine.reports.periods import Period

TEMPLATES = Path(__file__).parent / "templates"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TITLE = "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, XỬ LÝ THÔNG TIN PHẢN ÁNH"
SUMMARY_SHEET = "Tổng hợp"
COLUMNS = ("Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng/giảm", "Tăng/giảm (%)")
CHART_SECTIONS = frozenset({"by_field", "by_source", "party_sanctions", "publicity"})

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


# --------------------------------------------------------------------------- dates and numbers


def local_time(moment: datetime) -> datetime:
    """``moment`` in Vietnam time; a naive datetime is taken as UTC, as everywhere in the project."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZONE)


def format_moment(moment: datetime) -> str:
    """``dd/mm/yyyy HH:MM`` in Vietnam time."""
    return local_time(moment).strftime("%d/%m/%Y %H:%M")


def format_date(day: date) -> str:
    """``dd/mm/yyyy``."""
    return day.strftime("%d/%m/%Y")


# --------------------------------------------------------------------------- XLSX


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unused Excel sheet title for ``title`` (≤ 31 characters, none of ``[]:*?/\\``); adds it to ``taken``.

    Excel compares sheet titles case-insensitively, so ``taken`` holds lower-cased titles.
    """
    base = _SHEET_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'").strip() or "Mục"
    candidate = base[:_SHEET_MAX].rstrip()
    number = 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = base[: _SHEET_MAX - len(suffix)].rstrip() + suffix
    taken.add(candidate.lower())
    return candidate


def _text(value: str) -> str:
    """``value`` without the control characters openpyxl refuses."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _number_format(number: int | float) -> str:
    """An Excel number format showing ``number`` without losing decimals."""
    return "#,##0" if float(number).is_integer() else "#,##0.00"


def _write_summary_sheet(sheet: Worksheet, summary: Summary) -> None:
    """The first sheet: what the report is about."""
    sheet.title = SUMMARY_SHEET
    sheet.append([TITLE])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    previous = summary.previous
    rows: list[tuple[str, object]] = [
        ("Đơn vị", _text(summary.unit_name)),
        ("Kỳ báo cáo", summary.period.label),
        ("Từ ngày", summary.period.start),
        ("Đến ngày", summary.period.end),
        ("Kỳ so sánh", previous.label),
        ("Thời gian kỳ so sánh", f"{format_date(previous.start)} – {format_date(previous.end)}"),
        ("Thời điểm lập", format_moment(summary.generated_at)),
    ]
    for label, value in rows:
        sheet.append([label, value])
        row = sheet.max_row
        sheet.cell(row, 1).font = Font(bold=True)
        if isinstance(value, date):
            sheet.cell(row, 2).number_format = "DD/MM/YYYY"
            sheet.cell(row, 2).alignment = Alignment(horizontal="left")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 48


def _write_section_sheet(sheet: Worksheet, section: Section) -> None:
    """One section: a header row and a row per figure, numbers as numbers."""
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for figure in section.figures:
        sheet.append([_text(figure.label), figure.value, figure.previous, figure.change, figure.change_pct])
        row = sheet.max_row
        for column in (2, 3, 4):
            cell = sheet.cell(row, column)
            cell.number_format = _number_format(cell.value)
        sheet.cell(row, 5).number_format = "0.00"
    longest = max((len(figure.label) for figure in section.figures), default=0)
    sheet.column_dimensions["A"].width = min(max(longest, len(COLUMNS[0])) + 2, 60)
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 15
    sheet.freeze_panes = "A2"


def summary_to_xlsx(summary: Summary) -> bytes:
    """The report as an XLSX workbook: a sheet "Tổng hợp", then one sheet per section."""
    workbook = Workbook()
    _write_summary_sheet(workbook.active, summary)
    taken = {SUMMARY_SHEET.lower()}
    for section in summary.sections:
        _write_section_sheet(workbook.create_sheet(sheet_title(section.title, taken)), section)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- bar chart

_COLOUR_CURRENT = "#1f4e79"
_COLOUR_PREVIOUS = "#9fb6cd"
_BAR_ROOM = 82.0
"""The % of the bar column the longest bar takes: the rest is room for its value, which is never cut off."""


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its width in % of the bar column and its formatted value."""

    width: float
    value: str


@dataclass(frozen=True)
class ChartRow:
    """One figure of a chart: its full label (wrapped, never cut) and the bars of both periods."""

    label: str
    current: Bar
    previous: Bar


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart of this period's and the previous period's values (drawn in HTML and CSS on the
    printable page, as vectors in the PDF); a long label wraps instead of being clipped."""

    current: str
    previous: str
    rows: list[ChartRow]
    colours: tuple[str, str] = (_COLOUR_CURRENT, _COLOUR_PREVIOUS)


def bar_chart(figures: list[Figure], current: str, previous: str) -> Chart:
    """The chart of ``figures``: bars scaled to the largest value of either period."""
    top = max((max(figure.value, figure.previous) for figure in figures), default=0)

    def bar(value: int | float) -> Bar:
        width = round(max(value, 0) * _BAR_ROOM / top, 2) if top > 0 else 0.0
        return Bar(width, format_number(value))

    rows = [ChartRow(figure.label, bar(figure.value), bar(figure.previous)) for figure in figures]
    return Chart(f"Kỳ này ({current})", f"Kỳ trước ({previous})", rows)


# --------------------------------------------------------------------------- HTML and PDF


@dataclass(frozen=True)
class Row:
    """One figure, formatted for the printed table."""

    label: str
    value: str
    previous: str
    change: str
    change_pct: str
    trend: str
    pct_trend: str


@dataclass(frozen=True)
class PrintedSection:
    """One section, formatted for the printed report."""

    key: str
    title: str
    rows: list[Row]
    chart: Chart | None
    process: str = ""


def _trend(change: int | float) -> str:
    """A CSS class for the direction of a change."""
    return "up" if change > 0 else "down" if change < 0 else "same"


def _row(figure: Figure) -> Row:
    """``figure`` formatted the Vietnamese way."""
    return Row(
        label=figure.label,
        value=format_number(figure.value),
        previous=format_number(figure.previous),
        change=format_change(figure.change),
        change_pct=format_percent(figure.change_pct),
        trend=_trend(figure.change),
        pct_trend=_trend(figure.change_pct or 0),
    )


def printed_section(section: Section, summary: Summary) -> PrintedSection:
    """``section`` with formatted rows, and its chart when it is one of :data:`CHART_SECTIONS`."""
    chart = None
    if section.key in CHART_SECTIONS and section.figures:
        chart = bar_chart(section.figures, summary.period.label, summary.previous.label)
    rows = [_row(figure) for figure in section.figures]
    return PrintedSection(section.key, section.title, rows, chart, section.process)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report templates (autoescaped)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def period_text(period: Period) -> str:
    """The label of ``period`` followed by its dates, unless the label already gives them (free ranges)."""
    first, last = format_date(period.start), format_date(period.end)
    if first in period.label and last in period.label:
        return period.label
    return f"{period.label} ({first} – {last})"


def summary_to_html(summary: Summary) -> str:
    """The report as a printable A4 HTML page (Vietnamese, HTML bar charts, no JavaScript)."""
    return (
        environment()
        .get_template("summary.html")
        .render(
            title=TITLE,
            columns=COLUMNS,
            unit_name=summary.unit_name,
            period=period_text(summary.period),
            previous=period_text(summary.previous),
            generated=format_moment(summary.generated_at),
            letterhead=letterhead(
                unit_name=summary.unit_name,
                parent_name=summary.parent_name,
                day=local_time(summary.generated_at).date(),
            ),
            processes=summary.processes,
            sections=[printed_section(section, summary) for section in summary.sections],
        )
    )
