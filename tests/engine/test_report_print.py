"""The printed report: an official header, numbers written the Vietnamese way (Babel), charts whose labels and
values are printed whole, not clipped or cut short."""

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from engine.reports.export import bar_chart, font_configuration, summary_to_html, summary_to_pdf, warm_up_pdf
from engine.reports.letterhead import letterhead, place_of, written_date
from engine.reports.model import Figure, Section, Summary
from engine.reports.numbers import format_number, format_percent
from engine.reports.periods import parse_period

LONG_LABEL = "Vi phạm trong quản lý, sử dụng đất đai và cấp giấy chứng nhận quyền sử dụng đất"


def yearly_report() -> Summary:
    """A year of a district committee with a charted section whose label is long and whose values are large."""
    period = parse_period("2026")
    figures = [Figure("by_field.land", LONG_LABEL, 12345, 9876), Figure("by_field.education", "Giáo dục", 7, 0)]
    return Summary(
        unit_id=2, unit_name="Quận ủy Quận 1", period=period, previous=period.previous(),
        generated_at=datetime(2026, 11, 30, 3, 0, tzinfo=UTC), parent_name="Thành ủy TP. Hồ Chí Minh",
        sections=[Section("by_field", "Theo lĩnh vực", figures, process="Xử lý thông tin phản ánh")],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("number", "lang", "text"),
    [(20.0, "vi", "20,0"), (1234, "vi", "1.234"), (1234567, "vi", "1.234.567"), (83.33, "vi", "83,33"),
     (-2, "vi", "−2"), (20.0, "en", "20.0"), (1234, "en", "1,234")],
)  # fmt: skip
def test_numbers_follow_the_locale(number, lang, text):
    assert format_number(number, lang) == text


def test_a_percent_change_keeps_two_decimals_and_its_sign():
    assert (format_percent(41.666, "vi"), format_percent(-40.0, "vi"), format_percent(None)) == (
        "+41,67%", "−40,00%", "—",
    )  # fmt: skip


def test_the_letterhead_names_the_body_the_number_and_the_place_and_date_written_out():
    head = letterhead(unit_name="Quận ủy Quận 1", parent_name="Thành ủy TP. Hồ Chí Minh", day=date(2026, 11, 30))
    assert (head.parent_body, head.issuing_body) == ("THÀNH ỦY TP. HỒ CHÍ MINH", "QUẬN ỦY QUẬN 1")
    assert head.number == "Số: …/BC-QU" and head.national == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert head.place_and_date == "Quận 1, ngày 30 tháng 11 năm 2026"
    government = letterhead(unit_name="UBND Quận 1", parent_name="", day=date(2027, 1, 5))
    assert government.motto == "Độc lập - Tự do - Hạnh phúc" and government.number == "Số: …/BC-UBND"
    assert written_date(date(2027, 2, 5)) == "ngày 05 tháng 02 năm 2027"
    assert place_of("Đảng ủy phường Bến Nghé") == "Phường Bến Nghé"


def test_the_html_carries_the_letterhead_and_the_processes_counted():
    page = summary_to_html(yearly_report())
    assert "QUẬN ỦY QUẬN 1" in page and "Số: …/BC-QU" in page and "Quận 1, ngày 30 tháng 11 năm 2026" in page
    assert "Xử lý thông tin phản ánh" in page and ">12.345<" in page


def test_chart_bars_leave_room_for_their_values_and_keep_whole_labels():
    chart = bar_chart(yearly_report().sections[0].figures, "Năm 2026", "Năm 2025")
    land, education = chart.rows
    assert land.label == LONG_LABEL and land.current.width == 82.0 and land.current.value == "12.345"
    assert 0 < education.current.width < 1 and education.previous.width == 0


def test_the_pdf_prints_long_chart_labels_and_values_whole(tmp_path):
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils not installed")
    (tmp_path / "report.pdf").write_bytes(summary_to_pdf(yearly_report()))
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    words = " ".join(text.split())
    # The label is printed in the table and once more, wrapped but whole, beside its bars.
    assert words.count(LONG_LABEL) == 2 and words.count("…") == 1  # the one of "Số: …/BC-QU"
    assert words.count("12.345") == 2 and "Quận 1, ngày 30 tháng 11 năm 2026" in words
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    assert all(png.stat().st_size > 3000 for png in tmp_path.glob("page*.png"))


def test_pdfs_share_the_fonts_loaded_at_start_up_and_can_be_asked_for_at_once():
    warm_up_pdf()
    assert "weasyprint" in sys.modules and font_configuration() is font_configuration()
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda _: summary_to_pdf(yearly_report()), range(2)))
    assert all(pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") for pdf in pdfs)
