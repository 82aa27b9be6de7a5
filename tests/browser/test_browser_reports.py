"""In a real browser: report charts count in whole numbers, the PDF export says it is working, and the case diagram
can be zoomed, fitted to its height and fitted whole."""

import json

import pytest

from tests.browser_support import demo_database_url, sign_in
from tests.processes import api_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on a fresh SQLite database with the demo data."""
    with api_server(demo_database_url(tmp_path_factory.mktemp("browser-reports")), "browser-test-secret") as base:
        yield base


def test_report_charts_have_whole_number_axes_and_the_pdf_export_shows_progress(browser, server, shots):
    page = sign_in(browser, server, "supervisor1")
    page.goto("/reports")
    page.wait_for_selector("canvas.report-chart[data-ready=true]")
    for canvas in page.locator("canvas.report-chart").all():
        ticks = json.loads(canvas.get_attribute("data-ticks"))
        assert ticks and all(float(tick).is_integer() for tick in ticks), ticks
    assert "Xử lý thông tin phản ánh" in page.inner_text("#report-scope")
    with page.expect_download() as download:
        page.click("#export-pdf")
        page.wait_for_function("document.getElementById('export-status').textContent.length > 0")
        assert page.inner_text("#export-status") in ("Đang tạo tệp PDF…", "Đã tạo xong tệp PDF.")
    assert download.value.suggested_filename.endswith(".pdf")
    page.wait_for_function("document.getElementById('export-status').textContent === 'Đã tạo xong tệp PDF.'")
    page.screenshot(path=shots / "reports.png", full_page=True)


def test_the_case_diagram_fits_its_height_and_zooms(browser, server, shots):
    page = sign_in(browser, server, "supervisor1")
    page.goto("/cases")
    page.locator("#case-list tbody tr a").first.click()
    page.wait_for_selector("#diagram[data-ready=true]")
    fitted = float(page.get_attribute("#diagram", "data-zoom"))
    page.click(".diagram-tools .diagram-in")
    assert float(page.get_attribute("#diagram", "data-zoom")) > fitted
    page.click(".diagram-tools .diagram-all")
    whole = float(page.get_attribute("#diagram", "data-zoom"))
    page.click(".diagram-tools .diagram-height")
    assert float(page.get_attribute("#diagram", "data-zoom")) == fitted
    assert fitted >= 0.9 * whole, "fitting the height never makes the steps smaller than fitting the whole diagram"
    assert page.get_attribute(".diagram-tools .diagram-out", "aria-label") == "Thu nhỏ"
    page.screenshot(path=shots / "case-diagram.png", full_page=True)
