"""A statutory report form as an XLSX sheet laid out like the printed form: the bodies above, the title, the unit
and period, two header rows with the grouped columns merged, a row of column numbers (1), (2), … and a row per unit.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from engine.reports.export import _text, format_date, format_moment, sheet_title
from engine.reports.statutory import StatutoryForm

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
UNIT_HEADER = "Đơn vị"
HEADER_ROW = 7
"""The first header row; the column numbers are two rows below it, the units from the row after."""


def form_period_line(form: StatutoryForm) -> str:
    """``Kỳ báo cáo: Quý 1/2027 (từ 01/01/2027 đến 31/03/2027)``."""
    period = form.period
    return f"Kỳ báo cáo: {period.label} (từ {format_date(period.start)} đến {format_date(period.end)})"


def statutory_form_to_xlsx(form: StatutoryForm) -> bytes:
    """The form as a workbook of one sheet; counts and rates are numbers, not text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(form.title.capitalize(), set())
    width = len(form.columns) + 1
    last = get_column_letter(width)
    lines = [
        (1, _text(form.parent_name.upper()), Font(size=11)),
        (2, _text(form.unit_name.upper()), Font(bold=True, size=11)),
        (3, _text(form.title), Font(bold=True, size=14)),
        (4, _text(f"Đơn vị báo cáo: {form.unit_name}"), Font(size=11)),
        (5, form_period_line(form), Font(italic=True, size=11)),
    ]
    for row, text, font in lines:
        sheet.cell(row, 1, text).font = font
        if row >= 3:
            sheet.merge_cells(f"A{row}:{last}{row}")
            sheet.cell(row, 1).alignment = Alignment(horizontal="center")
    top, below, numbers = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    sheet.cell(top, 1, UNIT_HEADER)
    sheet.merge_cells(start_row=top, start_column=1, end_row=below, end_column=1)
    for label, first, span in form.header_groups():
        column = first + 2
        if label:
            sheet.cell(top, column, label)
            sheet.merge_cells(start_row=top, start_column=column, end_row=top, end_column=column + span - 1)
            for offset in range(span):
                sheet.cell(below, column + offset, form.columns[first + offset].label)
        else:
            sheet.cell(top, column, form.columns[first].label)
            sheet.merge_cells(start_row=top, start_column=column, end_row=below, end_column=column)
    for column in range(1, width + 1):
        sheet.cell(numbers, column, f"({column})")
        for row in (top, below, numbers):
            cell = sheet.cell(row, column)
            cell.font, cell.alignment, cell.border = Font(bold=True), CENTER, BOX
    for offset, form_row in enumerate(form.rows):
        row = numbers + 1 + offset
        sheet.cell(row, 1, _text(form_row.label)).font = Font(bold=form_row.total)
        sheet.cell(row, 1).border = BOX
        for index, column_spec in enumerate(form.columns):
            cell = sheet.cell(row, index + 2, form_row.values[column_spec.key])
            cell.number_format = "0.00" if column_spec.rate else "#,##0"
            cell.border, cell.font = BOX, Font(bold=form_row.total)
    footer = numbers + len(form.rows) + 2
    sheet.cell(footer, 1, f"Thời điểm lập: {format_moment(form.generated_at)}").font = Font(italic=True)
    sheet.column_dimensions["A"].width = 34
    for column in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.row_dimensions[below].height = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
