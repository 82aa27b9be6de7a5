"""The reception figures as the reporting regime's reception form (Biểu số 01/TCD, Thông tư 02/2021/TT-TTCP).

One sheet: the title, the unit and period, a two-row header (regular reception; the leaders' periodic and
unscheduled reception; total — each with visits, people, matters, and groups of many people: number and people),
one row per unit, the ward-level row and the total row.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from engine.reception.figures import FigureRow, ReceptionFigures

FORM_NAME = "Biểu số 01/TCD"
TITLE = "TỔNG HỢP KẾT QUẢ TIẾP CÔNG DÂN"
GROUPS = ("Tiếp thường xuyên", "Tiếp định kỳ và đột xuất của lãnh đạo", "Tổng cộng")
FIGURES = ("Lượt", "Người", "Vụ việc", "Đoàn đông người (số đoàn)", "Đoàn đông người (số người)")
FIRST_DATA_ROW = 7
"""Rows 1–4: form name, title, unit, period; rows 5–6: the header; the units start on row 7."""


def _values(row: FigureRow) -> list[int]:
    return [*row.regular.values(), *row.leaders.values(), *row.total.values()]


def reception_form_xlsx(figures: ReceptionFigures) -> bytes:
    """The XLSX of the figures, laid out as the reception form."""
    book = Workbook()
    sheet = book.active
    sheet.title = "01-TCD"
    last_column = 2 + len(GROUPS) * len(FIGURES)
    sheet["A1"], sheet["A2"] = FORM_NAME, TITLE
    sheet["A3"] = f"Đơn vị báo cáo: {figures.unit_name}"
    sheet["A4"] = f"Kỳ báo cáo: từ ngày {figures.start:%d/%m/%Y} đến ngày {figures.end:%d/%m/%Y}"
    sheet["A2"].font = Font(bold=True, size=13)
    for row in (2, 3, 4):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    sheet.cell(5, 1, "STT")
    sheet.cell(5, 2, "Đơn vị")
    sheet.merge_cells("A5:A6")
    sheet.merge_cells("B5:B6")
    for index, group in enumerate(GROUPS):
        first = 3 + index * len(FIGURES)
        sheet.cell(5, first, group)
        sheet.merge_cells(start_row=5, start_column=first, end_row=5, end_column=first + len(FIGURES) - 1)
        for offset, name in enumerate(FIGURES):
            sheet.cell(6, first + offset, name)
    lines = [(str(number), row) for number, row in enumerate(figures.rows, start=1)]
    lines += [("", figures.ward), ("", figures.total)]
    for offset, (number, line) in enumerate(lines):
        sheet.cell(FIRST_DATA_ROW + offset, 1, number)
        sheet.cell(FIRST_DATA_ROW + offset, 2, line.label)
        for column, value in enumerate(_values(line), start=3):
            sheet.cell(FIRST_DATA_ROW + offset, column, value)
    thin = Side(style="thin")
    for cells in sheet.iter_rows(min_row=5, max_row=FIRST_DATA_ROW + len(lines) - 1, max_col=last_column):
        for cell in cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row <= 6:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["B"].width = 32
    for column in range(3, last_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    out = BytesIO()
    book.save(out)
    return out.getvalue()
