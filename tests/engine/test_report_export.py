"""Report exports: the XLSX holds the summary's numbers, the HTML is Vietnamese and escaped, the PDF prints."""

import io
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.reports.export import (
    COLUMNS,
    format_change,
    format_number,
    format_percent,
    sheet_title,
    summary_to_html,
    summary_to_xlsx,
)
from engine.reports.model import Figure, Section, Summary
from engine.reports.pdf import summary_to_pdf
from engine.reports.periods import parse_period

SAMPLE_PNG = Path(__file__).resolve().parents[2] / "docs" / "report-sample.png"
ESCAPED_LABEL = "Khác <b>chưa rõ</b>"


def build_summary() -> Summary:
    """A hand-made quarterly report with a table-only section and two charted sections."""
    period = parse_period("2026-Q2")
    return Summary(
        unit_id=7,
        unit_name="Ban Nội chính Tỉnh ủy Bình Dương",
        period=period,
        previous=period.previous(),
        generated_at=datetime(2026, 7, 1, 1, 30, tzinfo=UTC),
        sections=[
            Section(
                "received",
                "Tiếp nhận",
                [
                    Figure("received", "Số phản ánh tiếp nhận", 20, 15),
                    Figure("received_online", "Qua cổng thông tin điện tử", 1234, 1000),
                ],
            ),
            Section(
                "by_field",
                "Theo lĩnh vực",
                [
                    Figure("urban_order", "Trật tự đô thị", 10, 8),
                    Figure("land", "Đất đai", 3, 5),
                    Figure("education", "Giáo dục", 4, 0),
                    Figure("adjudication", "Xét xử", 3, 2),
                    Figure("other", ESCAPED_LABEL, 0, 0),
                ],
            ),
            Section(
                "publicity",
                "Công khai kết quả",
                [Figure("writing", "Bằng văn bản", 17, 12), Figure("media", "Trên phương tiện thông tin", 3, 3)],
            ),
        ],
    )


@pytest.fixture(scope="module")
def summary() -> Summary:
    """The hand-made report."""
    return build_summary()


@pytest.fixture(scope="module")
def workbook(summary):
    """The XLSX export, reopened with openpyxl."""
    return load_workbook(io.BytesIO(summary_to_xlsx(summary)))


@pytest.fixture(scope="module")
def page(summary) -> str:
    """The HTML export."""
    return summary_to_html(summary)


@pytest.fixture(scope="module")
def pdf(summary) -> bytes:
    """The PDF export."""
    return summary_to_pdf(summary)


# ----------------------------------------------------------------------------------------------------- XLSX


def test_xlsx_has_the_summary_sheet_then_one_sheet_per_section(workbook, summary):
    assert workbook.sheetnames == ["Tổng hợp"] + [section.title for section in summary.sections]


def test_xlsx_summary_sheet_names_unit_periods_and_vietnam_time(workbook, summary):
    fields = {row[0]: row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    assert fields["Đơn vị"] == summary.unit_name
    assert fields["Kỳ báo cáo"] == "Quý II/2026"
    assert fields["Từ ngày"].date() == summary.period.start
    assert fields["Đến ngày"].date() == summary.period.end
    assert fields["Kỳ so sánh"] == "Quý I/2026"
    assert fields["Thời điểm lập"] == "01/07/2026 08:30"


def test_xlsx_section_sheets_hold_exactly_the_summary_numbers(workbook, summary):
    for section in summary.sections:
        rows = list(workbook[section.title].iter_rows(values_only=True))
        assert rows[0] == COLUMNS
        expected = [(f.label, f.value, f.previous, f.change, f.change_pct) for f in section.figures]
        assert rows[1:] == expected


def test_xlsx_leaves_the_percent_cell_empty_when_the_previous_value_is_zero(workbook):
    sheet = workbook["Theo lĩnh vực"]
    education = next(row for row in sheet.iter_rows() if row[0].value == "Giáo dục")
    assert [cell.value for cell in education] == ["Giáo dục", 4, 0, 4, None]


def test_xlsx_percent_cells_are_numbers_shown_with_two_decimals(workbook):
    land = next(row for row in workbook["Theo lĩnh vực"].iter_rows() if row[0].value == "Đất đai")
    assert land[4].value == -40.0
    assert land[4].number_format == "0.00"


def test_xlsx_section_header_is_bold_frozen_and_the_label_column_is_wide(workbook):
    sheet = workbook["Theo lĩnh vực"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= len("Trật tự đô thị")


def test_sheet_titles_lose_forbidden_characters_and_fit_31_characters():
    taken: set[str] = set()
    title = sheet_title("Kết quả [xử lý]: đảng viên */? vi phạm\\ kỷ luật / thi hành", taken)
    assert len(title) <= 31
    assert not set("[]:*?/\\") & set(title)
    assert title.startswith("Kết quả xử lý đảng viên")


def test_sheet_titles_stay_unique_even_after_truncation():
    taken = {"tổng hợp"}
    long = "Theo nguồn tiếp nhận của các cơ quan báo chí"
    titles = [sheet_title(long, taken), sheet_title(long, taken), sheet_title("Tổng hợp", taken)]
    assert len({title.lower() for title in titles}) == 3
    assert all(len(title) <= 31 for title in titles)
    assert titles[1].endswith(" (2)")
    assert titles[2] == "Tổng hợp (2)"


def test_xlsx_of_sections_with_clashing_titles_keeps_every_section(summary):
    clashing = build_summary()
    clashing.sections = [Section(f"s{index}", "Theo lĩnh vực: chi tiết/tổng", []) for index in range(3)]
    book = load_workbook(io.BytesIO(summary_to_xlsx(clashing)))
    assert len(book.sheetnames) == 4
    assert len(set(book.sheetnames)) == 4


# ----------------------------------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("number", "text"),
    [(0, "0"), (999, "999"), (1234, "1.234"), (1234567, "1.234.567"), (-2, "−2"), (4.5, "4,5"), (1234.25, "1.234,25")],
)
def test_numbers_use_a_dot_between_thousands_and_a_comma_before_decimals(number, text):
    assert format_number(number) == text


@pytest.mark.parametrize(("change", "text"), [(5, "+5"), (-2, "−2"), (0, "0"), (1500, "+1.500")])
def test_changes_carry_a_plus_or_minus_sign(change, text):
    assert format_change(change) == text


@pytest.mark.parametrize(
    ("percent", "text"), [(42.64, "+42,64%"), (-40.0, "−40,00%"), (0.0, "0,00%"), (None, "—"), (1250.5, "+1250,50%")]
)
def test_percents_have_two_decimals_after_a_comma_and_a_sign(percent, text):
    assert format_percent(percent) == text


# ----------------------------------------------------------------------------------------------------- HTML


def test_html_is_the_vietnamese_report_of_the_unit_and_period(page, summary):
    assert "BÁO CÁO TÌNH HÌNH TIẾP NHẬN, XỬ LÝ THÔNG TIN PHẢN ÁNH" in page
    assert summary.unit_name in page
    assert "Quý II/2026 (01/04/2026 – 30/06/2026)" in page
    assert "Quý I/2026 (01/01/2026 – 31/03/2026)" in page
    assert "01/07/2026 08:30" in page


def test_html_formats_figures_the_vietnamese_way(page):
    assert ">1.234<" in page and ">1.000<" in page
    assert ">+234<" in page and ">+23,40%<" in page  # 1234 against 1000
    assert ">+41,67%<" in page  # 17 against 12
    assert ">−2<" in page and ">−40,00%<" in page  # 3 against 5
    assert ">+33,33%<" in page  # 20 against 15


def test_html_has_the_table_columns_of_the_xlsx(page):
    for column in COLUMNS:
        assert f">{column}<" in page


def test_html_escapes_markup_in_labels(page):
    assert "<b>" not in page
    assert "Khác &lt;b&gt;chưa rõ&lt;/b&gt;" in page


def test_html_draws_a_bar_chart_for_charted_sections_only_and_no_script(page):
    assert page.count('<table class="chart">') == 2
    received, _, charted = page.partition('id="section-by_field"')
    assert '<table class="chart">' not in received
    assert "Kỳ này (Quý II/2026)" in charted and "Kỳ trước (Quý I/2026)" in charted
    assert "<script" not in page.lower()


def test_html_prints_on_a4_with_page_numbers(page):
    assert "size: A4" in page and "margin: 18mm 15mm" in page
    assert 'content: "Trang " counter(page) "/" counter(pages)' in page
    assert "DejaVu Sans" in page


# ----------------------------------------------------------------------------------------------------- PDF


def test_pdf_is_a_pdf_document(pdf):
    assert pdf.startswith(b"%PDF")


def test_pdf_first_page_renders_to_a_non_trivial_png(pdf, tmp_path):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is required in CI to check the PDF renders")
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils); the PDF page was not rasterised")
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 1
    image = pngs[0].read_bytes()
    assert image.startswith(b"\x89PNG")
    assert len(image) > 5_000
    if os.environ.get("PHANANH_REPORT_SAMPLE"):
        SAMPLE_PNG.write_bytes(image)
