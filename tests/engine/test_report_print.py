"""The printed report: an official header, numbers written the Vietnamese way (Babel), charts whose labels and
values are printed whole, not clipped or cut short."""

import html
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest

from engine.reports.export import bar_chart, summary_to_html
from engine.reports.letterhead import letterhead, place_of, written_date
from engine.reports.model import Figure, Section, Summary
from engine.reports.numbers import format_number, format_percent
from engine.reports.pdf import axis_step, summary_to_pdf, warm_up_pdf
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
    assert "weasyprint" not in sys.modules  # the PDF is written directly, not printed from HTML
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda _: summary_to_pdf(yearly_report()), range(2)))
    assert all(pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF") for pdf in pdfs)


@pytest.mark.parametrize(("top", "step"), [(0, 1), (4, 1), (7, 2), (10, 2), (23, 5), (12345, 5000), (999, 200)])
def test_chart_axes_tick_at_whole_numbers_in_at_most_five_steps(top, step):
    assert axis_step(top) == step and isinstance(axis_step(top), int) and top / step <= 5


def words_with_boxes(pdf: bytes, tmp_path) -> list[tuple[float, float, float, float, float, float, str]]:
    """Every word pdftotext finds, with its page's size and its box: (width, height, x0, y0, x1, y1, word)."""
    (tmp_path / "report.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    words, size = [], (0.0, 0.0)
    for line in out.splitlines():
        if page := re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line):
            size = (float(page[1]), float(page[2]))
        elif word := re.search(r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*)<', line):
            words.append((*size, *(float(word[n]) for n in range(1, 5)), html.unescape(word[5])))
    return words


def many_figures_report() -> Summary:
    """A report whose charted section has 40 figures with long labels and numbers in the hundred thousands."""
    report = yearly_report()
    figures = [Figure(f"by_field.f{n}", f"{LONG_LABEL} (nhóm {n})", 100_003 + n * 997, n * 1234) for n in range(40)]
    report.sections.append(Section("by_source", "Theo nguồn tiếp nhận", figures))
    return report


@pytest.mark.parametrize("report", [yearly_report, many_figures_report])
def test_every_printed_word_lies_inside_the_printable_area_of_its_page(report, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    words = words_with_boxes(summary_to_pdf(report()), tmp_path)
    assert len(words) > 50
    margin = 8 * 72 / 25.4  # 8 mm: the page margins are 15 and 18 mm, the page number sits 9 mm from the foot
    outside = [w for w in words if not (margin <= w[2] and w[4] <= w[0] - margin and margin <= w[3]
                                        and w[5] <= w[1] - margin)]  # fmt: skip
    assert outside == []


def test_a_long_chart_goes_on_over_pages_and_keeps_every_label_and_value(tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    pdf = summary_to_pdf(many_figures_report())
    words = [w[6] for w in words_with_boxes(pdf, tmp_path)]
    text = " ".join(words)
    for n in range(40):
        # once in the table, once beside its bars
        assert text.count(f"(nhóm {n})") == 2 and words.count(format_number(100_003 + n * 997)) == 2
    assert "Trang 1/" in text and "Kỳ này (Năm 2026)" in text
