"""The public portal in a real browser (Chromium): file a report, look it up, read the published results.

Screenshots go to $PHANANH_SCREENSHOTS as portal-*.png when set (see tests/browser/test_browser.py).
"""

import re

import pytest

from tests.browser_support import demo_database_url
from tests.processes import api_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on the demo data; the spam guard's minimum form time is off (browsers type fast)."""
    url = demo_database_url(tmp_path_factory.mktemp("portal"))
    with api_server(url, "browser-portal-secret", PHANANH_PORTAL_FORM_MIN_SECONDS="0") as base:
        yield base


def _visit(browser, server: str, **context):
    return browser.new_context(base_url=server, locale="vi-VN", **context).new_page()


def test_a_citizen_files_a_report_then_looks_it_up_with_code_and_secret(browser, server, shots):
    page = _visit(browser, server)
    page.goto("/portal")
    assert "Gửi phản ánh" in page.inner_text("header") and "Đăng xuất" not in page.content()
    page.screenshot(path=shots / "portal-home.png", full_page=True)
    page.click("header >> text=Gửi phản ánh")
    page.wait_for_url("**/portal/phan-anh")  # until the page has loaded: the picker's deferred script listens by then
    assert page.input_value("#unit_id") == "", "no unit is chosen for the citizen"
    page.fill("#unit-search", "quan 3")  # accents and case do not matter
    assert page.input_value("#unit_id") != "" and "Quận 3" in page.locator("#unit_id option:checked").inner_text()
    assert page.locator("#unit_id option:not([hidden])").count() < page.locator("#unit_id option").count()
    page.fill("#unit-search", "không có đơn vị này")
    assert page.locator("#unit-no-match").is_visible()
    page.fill("#unit-search", "Quận 1")
    page.select_option("select[name=behaviour_group]", "duty")
    page.select_option("select[name=field]", "land")
    page.fill("input[name=title]", "Cán bộ phường đòi tiền khi xác nhận hồ sơ")
    page.fill("textarea[name=description]", "Cán bộ yêu cầu nộp thêm tiền ngoài quy định.")
    page.fill("input[name='subject.name']", "Nguyễn Văn Bị")
    page.fill("input[name='reporter.name']", "Người Gửi")
    page.set_input_files("#attachment", files=[{"name": "don.txt", "mimeType": "text/plain", "buffer": b"chu ky"}])
    honeypot = page.locator("#website").bounding_box()
    assert honeypot["x"] + honeypot["width"] <= 0, "the honeypot is off screen"
    page.screenshot(path=shots / "portal-file.png", full_page=True)
    page.click("#portal-form button[type=submit]")
    code = page.inner_text("#tracking-code")
    secret = page.inner_text("#tracking-secret")
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d{5}", code) and len(secret) >= 20
    page.screenshot(path=shots / "portal-filed.png", full_page=True)

    page.click("text=Tra cứu >> nth=-1")
    page.fill("#code", code)
    page.fill("#secret", secret)
    page.click("#lookup-form button[type=submit]")
    assert "Phân loại, sàng lọc" in page.inner_text("#steps")
    assert "Nguyễn Văn Bị" not in page.content() and "Người Gửi" not in page.content()
    page.screenshot(path=shots / "portal-status.png", full_page=True)

    page.goto("/portal/tra-cuu")
    page.fill("#code", code)
    page.fill("#secret", secret + "x")
    page.click("#lookup-form button[type=submit]")
    assert "Không tìm thấy hồ sơ" in page.inner_text("main")


def test_published_results_with_search_on_a_phone(browser, server, shots):
    page = _visit(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True)
    page.goto("/portal/cong-khai")
    assert page.locator(".published").count() >= 1
    assert "khiển trách" in page.inner_text(".published >> nth=0").lower()
    page.screenshot(path=shots / "portal-published.png", full_page=True)
    page.fill("#q", "không có kết quả nào như thế")
    page.click("#published-filters button[type=submit]")
    assert page.locator(".published").count() == 0
