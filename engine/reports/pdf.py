"""The report as a PDF, written directly with ReportLab: the official header, a table per section and, for the
charted sections, a horizontal bar chart drawn as vectors on an integer axis.

The same formatted rows as the printable HTML page (``export.printed_section``: Babel numbers, the same labels
and columns), in DejaVu Sans, which has every Vietnamese letter. Labels wrap inside their column and a chart row
grows to hold its whole label; values are printed beside their bars in room kept for them, so nothing is clipped.
"""

from __future__ import annotations

import io
import math
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from engine.reports.export import (
    COLUMNS,
    TITLE,
    Chart,
    PrintedSection,
    format_moment,
    local_time,
    period_text,
    printed_section,
)
from engine.reports.letterhead import Letterhead, letterhead
from engine.reports.numbers import format_number

if TYPE_CHECKING:
    from engine.reports.model import Summary

FONT_DIRECTORIES = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT_FILES = {"Report": "DejaVuSans.ttf", "Report-Bold": "DejaVuSans-Bold.ttf",
              "Report-Italic": "DejaVuSans-Oblique.ttf", "Report-BoldItalic": "DejaVuSans-BoldOblique.ttf"}  # fmt: skip
MARGIN_X, MARGIN_Y = 15 * mm, 18 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
UP, DOWN = colors.HexColor("#1b5e20"), colors.HexColor("#b71c1c")
HEADER_FILL, GRID = colors.HexColor("#e8eef5"), colors.HexColor("#777777")

_FONTS_LOCK = threading.Lock()
_WRITING = threading.Lock()
"""ReportLab keeps each registered font's subset (the letters used so far, per document) in the font object that
every PDF shares: two PDFs written at once in one process would mix their subsets. They are written one at a time."""


@lru_cache(maxsize=1)
def _register_fonts() -> str:
    """Register DejaVu Sans (regular, bold, italic) with ReportLab once per process; the family's name."""
    with _FONTS_LOCK:
        for directory in FONT_DIRECTORIES:
            if all((directory / name).is_file() for name in FONT_FILES.values()):
                for font, name in FONT_FILES.items():
                    pdfmetrics.registerFont(TTFont(font, str(directory / name)))
                pdfmetrics.registerFontFamily("Report", normal="Report", bold="Report-Bold",
                                              italic="Report-Italic", boldItalic="Report-BoldItalic")  # fmt: skip
                return "Report"
    raise RuntimeError("The DejaVu fonts are missing (Debian package fonts-dejavu-core): no PDF can be made")


def warm_up_pdf() -> None:
    """Load the report fonts now, so that the first PDF a supervisor asks for is not slower than the next ones."""
    _register_fonts()


def _style(name: str, **options: Any) -> ParagraphStyle:
    """A paragraph style in the report font (10 pt unless told)."""
    options.setdefault("fontName", "Report")
    options.setdefault("fontSize", 10)
    options.setdefault("leading", options["fontSize"] * 1.3)
    return ParagraphStyle(name, **options)


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the report."""
    _register_fonts()
    centred = {"alignment": TA_CENTER}
    return {
        "head": _style("head", **centred), "head-bold": _style("head-bold", fontName="Report-Bold", **centred),
        "place": _style("place", fontName="Report-Italic", **centred),
        "title": _style("title", fontName="Report-Bold", fontSize=13.5, spaceAfter=3 * mm, **centred),
        "period": _style("period", fontName="Report-Bold", spaceAfter=1.5 * mm, **centred),
        "line": _style("line", spaceAfter=1.5 * mm, **centred),
        "scope": _style("scope", fontSize=9, spaceAfter=1.5 * mm, **centred),
        "generated": _style("generated", fontName="Report-Italic", fontSize=9, textColor=colors.HexColor("#444444"),
                            **centred),
        "h2": _style("h2", fontName="Report-Bold", fontSize=11, spaceBefore=6 * mm, spaceAfter=2 * mm,
                     keepWithNext=1),
        "th": _style("th", fontName="Report-Bold", fontSize=9, **centred), "cell": _style("cell", fontSize=9),
        "empty": _style("empty", fontName="Report-Italic", textColor=colors.HexColor("#555555")),
    }  # fmt: skip


def _paragraph(text: str, style: str) -> Paragraph:
    """``text`` (plain, escaped here) as a paragraph of ``style``."""
    return Paragraph(escape(text), _styles()[style])


class _Rule(Flowable):
    """A short centred line, as under the issuing body in a Vietnamese document."""

    def __init__(self, fraction: float = 0.3) -> None:
        super().__init__()
        self.fraction = fraction

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 2.5 * mm

    def draw(self) -> None:
        length = self.width * self.fraction
        self.canv.setLineWidth(0.6)
        self.canv.line((self.width - length) / 2, 1.5 * mm, (self.width + length) / 2, 1.5 * mm)


def _letterhead_table(head: Letterhead, width: float) -> Table:
    """The two-column header: issuing body and number on the left, nation (or party), motto, place and date."""
    left: list[Flowable] = [_paragraph(head.parent_body, "head")] if head.parent_body else []
    left += [_paragraph(head.issuing_body, "head-bold"), _Rule(), _paragraph(head.number, "head")]
    right: list[Flowable] = [_paragraph(head.national, "head-bold")]
    if head.motto:
        right.append(Paragraph(f"<u>{escape(head.motto)}</u>", _styles()["head-bold"]))
    else:
        right.append(_Rule())
    right += [Spacer(1, 2 * mm), _paragraph(head.place_and_date, "place")]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    everywhere = ((0, 0), (-1, -1))
    table.setStyle(TableStyle([("VALIGN", *everywhere, "TOP"), ("LEFTPADDING", *everywhere, 0),
                               ("RIGHTPADDING", *everywhere, 0), ("BOTTOMPADDING", *everywhere, 6 * mm)]))  # fmt: skip
    return table


def _figures_table(section: PrintedSection, width: float) -> Table:
    """The section's figures under the columns of the XLSX; the header row repeats on a new page."""
    data: list[list[Any]] = [[_paragraph(column, "th") for column in COLUMNS]]
    style = [("FONTNAME", (1, 1), (-1, -1), "Report"), ("FONTSIZE", (1, 1), (-1, -1), 9),
             ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("GRID", (0, 0), (-1, -1), 0.6, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]  # fmt: skip
    for number, row in enumerate(section.rows, start=1):
        data.append([_paragraph(row.label, "cell"), row.value, row.previous, row.change, row.change_pct])
        for column, trend in ((3, row.trend), (4, row.pct_trend)):
            if trend != "same":
                style.append(("TEXTCOLOR", (column, number), (column, number), UP if trend == "up" else DOWN))
    value_width = width * 0.15
    table = Table(data, colWidths=[width - 4 * value_width] + [value_width] * 4, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def axis_step(top: float) -> int:
    """An integer step of 1, 2 or 5 × 10ⁿ that divides the axis from 0 to ``top`` into at most 5 intervals."""
    if top <= 5:
        return 1
    magnitude = 10 ** math.floor(math.log10(top / 5))
    return next(step * magnitude for step in (1, 2, 5, 10) if top / (step * magnitude) <= 5)


class BarChart(Flowable):
    """A horizontal bar chart of a section: for each figure its whole label (wrapped, right-aligned), a bar for
    this period and one for the previous period with their values, over an axis of integer ticks."""

    FONT_SIZE, VALUE_SIZE, BAR, GAP = 8.5, 7.5, 2.6 * mm, 0.8 * mm
    LEGEND, AXIS = 6 * mm, 6 * mm

    def __init__(self, chart: Chart, *, figures: list[tuple[int | float, int | float]], top: float) -> None:
        super().__init__()
        self.chart, self.figures, self.top = chart, figures, top
        self.step = axis_step(top)
        self.axis_top = max(self.step, math.ceil(top / self.step) * self.step)
        self.lines: list[list[str]] = []

    def _row_height(self, lines: list[str]) -> float:
        return max(len(lines) * self.FONT_SIZE * 1.2, 2 * self.BAR + 3 * self.GAP) + 1.2 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.label_width = available_width * 0.36
        self.lines = [simpleSplit(row.label, "Report", self.FONT_SIZE, self.label_width - 3 * mm)
                      for row in self.chart.rows]  # fmt: skip
        self.height = self.LEGEND + sum(self._row_height(lines) for lines in self.lines) + self.AXIS
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        """Rows that fit on this page and the rest on the next, each part with its legend and axis."""
        self.wrap(available_width, available_height)
        room, count = available_height - self.LEGEND - self.AXIS, 0
        while count < len(self.lines) and room >= self._row_height(self.lines[count]):
            room -= self._row_height(self.lines[count])
            count += 1
        if count == 0 or count == len(self.lines):
            return []
        return [self._part(0, count), self._part(count, len(self.lines))]

    def _part(self, first: int, last: int) -> BarChart:
        part = Chart(self.chart.current, self.chart.previous, self.chart.rows[first:last], self.chart.colours)
        return BarChart(part, figures=self.figures[first:last], top=self.top)

    def _plot(self) -> tuple[float, float]:
        """Where the bars start and how long the longest axis value is, keeping room for the widest value text."""
        values = [text for row in self.chart.rows for text in (row.current.value, row.previous.value)]
        widest = max((pdfmetrics.stringWidth(text, "Report", self.VALUE_SIZE) for text in values), default=0)
        start = self.label_width
        return start, self.width - start - widest - 2 * mm

    def draw(self) -> None:
        canvas = self.canv
        start, length = self._plot()
        current, previous = (colors.HexColor(colour) for colour in self.chart.colours)
        # legend
        y = self.height - 3.5 * mm
        x = start
        for colour, text in ((current, self.chart.current), (previous, self.chart.previous)):
            canvas.setFillColor(colour)
            canvas.rect(x, y - 0.5 * mm, 3 * mm, 3 * mm, stroke=0, fill=1)
            canvas.setFillColor(colors.black)
            canvas.setFont("Report", self.FONT_SIZE)
            canvas.drawString(x + 4 * mm, y, text)
            x += 4 * mm + pdfmetrics.stringWidth(text, "Report", self.FONT_SIZE) + 6 * mm
        # rows
        y = self.height - self.LEGEND
        for row, lines, (value, earlier) in zip(self.chart.rows, self.lines, self.figures, strict=True):
            height = self._row_height(lines)
            middle = y - height / 2
            canvas.setFillColor(colors.black)
            canvas.setFont("Report", self.FONT_SIZE)
            text_top = middle + len(lines) * self.FONT_SIZE * 1.2 / 2 - self.FONT_SIZE
            for number, line in enumerate(lines):
                canvas.drawRightString(start - 2 * mm, text_top - number * self.FONT_SIZE * 1.2, line)
            lower = middle - self.GAP / 2 - self.BAR
            for bar_y, amount, text, colour in ((middle + self.GAP / 2, value, row.current.value, current),
                                                (lower, earlier, row.previous.value, previous)):  # fmt: skip
                width = max(amount, 0) * length / self.axis_top
                canvas.setFillColor(colour)
                if width > 0:
                    canvas.rect(start, bar_y, width, self.BAR, stroke=0, fill=1)
                canvas.setFillColor(colors.black)
                canvas.setFont("Report", self.VALUE_SIZE)
                canvas.drawString(start + width + 1 * mm, bar_y + 0.6 * mm, text)
            y -= height
        # integer axis
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        canvas.line(start, y, start + length, y)
        canvas.line(start, y, start, self.height - self.LEGEND)
        canvas.setFont("Report", self.VALUE_SIZE)
        canvas.setFillColor(colors.black)
        for tick in range(0, int(self.axis_top) + 1, self.step):
            x = start + tick * length / self.axis_top
            canvas.line(x, y, x, y - 1 * mm)
            canvas.drawCentredString(x, y - 1 * mm - self.VALUE_SIZE, format_number(tick))


def _chart(section: PrintedSection, summary: Summary) -> BarChart | None:
    """The vector chart of a charted section, scaled like the HTML one to the largest value of either period."""
    if section.chart is None:
        return None
    model = next(candidate for candidate in summary.sections if candidate.key == section.key)
    figures = [(figure.value, figure.previous) for figure in model.figures]
    top = max((max(value, previous) for value, previous in figures), default=0)
    return BarChart(section.chart, figures=figures, top=top)


class _NumberedCanvas(Canvas):
    """A canvas that writes "Trang n/N" at the foot of every page once the number of pages is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont("Report", 8.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawCentredString(PAGE_WIDTH / 2, MARGIN_Y / 2, f"Trang {self._pageNumber}/{len(self._pages)}")
            super().showPage()
        super().save()


def story(summary: Summary, width: float) -> list[Flowable]:
    """The flowables of the report, top to bottom."""
    head = letterhead(unit_name=summary.unit_name, parent_name=summary.parent_name,
                      day=local_time(summary.generated_at).date())  # fmt: skip
    flowables: list[Flowable] = [
        _letterhead_table(head, width), _paragraph(TITLE, "title"), _paragraph(period_text(summary.period), "period"),
        _paragraph(f"So sánh với kỳ trước: {period_text(summary.previous)}", "line"),
    ]  # fmt: skip
    if summary.processes:
        flowables.append(_paragraph(f"Số liệu tính hồ sơ của các quy trình: {'; '.join(summary.processes)}.", "scope"))
    flowables.append(_paragraph(f"Lập lúc {format_moment(summary.generated_at)}", "generated"))
    for number, model in enumerate(summary.sections, start=1):
        section = printed_section(model, summary)
        heading = _paragraph(f"{number}. {section.title}", "h2")
        if not section.rows:
            flowables += [heading, _paragraph("Không có số liệu.", "empty")]
            continue
        flowables += [heading, _figures_table(section, width)]
        chart = _chart(section, summary)
        if chart is not None:
            flowables += [Spacer(1, 3 * mm), KeepTogether([chart]) if len(section.rows) <= 12 else chart]
    return flowables


def summary_to_pdf(summary: Summary) -> bytes:
    """The report as an A4 PDF with its official header, tables and vector bar charts; text is selectable."""
    _register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_Y, bottomMargin=MARGIN_Y,
        title=f"{TITLE} – {summary.unit_name}", author=summary.unit_name, lang="vi",
    )  # fmt: skip
    flowables = story(summary, document.width)
    with _WRITING:
        document.build(flowables, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
