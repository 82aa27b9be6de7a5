"""Real-browser tests (headless Debian Chromium driven by Playwright) against a real server with the demo data.

Screenshots go to $PHANANH_SCREENSHOTS when set (the README's come from `PHANANH_SCREENSHOTS=docs/screenshots`),
else to a temporary folder.
"""

import re

import pytest

from tests.browser_support import demo_database_url, sign_in
from tests.processes import api_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on a fresh SQLite database with the demo data."""
    with api_server(demo_database_url(tmp_path_factory.mktemp("browser")), "browser-test-secret") as base:
        yield base


def test_login_page_then_inbox(browser, server, shots):
    page = browser.new_context(base_url=server).new_page()
    page.goto("/cases")
    assert "/login" in page.url, "pages need a login"
    page.screenshot(path=shots / "login.png")
    page = sign_in(browser, server, "officer1")
    assert page.locator("#inbox tbody tr").count() >= 2
    page.screenshot(path=shots / "inbox.png", full_page=True)


def test_claim_then_complete_with_an_error_then_valid_data_and_see_the_case_move_on(browser, server, shots):
    page = sign_in(browser, server, "officer1")
    row = page.locator("#inbox tbody tr", has_text="lấn chiếm vỉa hè")
    row.get_by_role("button", name="Nhận việc").click()
    page.wait_for_url(re.compile(r".*/inbox\?tab=mine"))
    row = page.locator("#inbox tbody tr", has_text="lấn chiếm vỉa hè")
    assert "Nguyễn Văn An" in row.inner_text() and "officer1" not in row.inner_text(), "names, not usernames"
    row.get_by_role("link", name="Mở").click()

    page.check("input[name=screening][value=out_of_scope]")
    page.fill("textarea[name=note]", "Đã đọc kỹ nội dung")
    page.click("#task-form button[type=submit]")
    error = page.locator(".field--error .field-error").first
    assert error.is_visible() and page.locator("#form-message").is_visible()
    assert page.input_value("textarea[name=note]") == "Đã đọc kỹ nội dung", "typed values are kept"
    page.screenshot(path=shots / "task-validation.png", full_page=True)

    page.check("input[name=screening][value=in_scope]")
    page.click("#task-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+\?done=screen_report"))
    page.wait_for_selector("#diagram[data-ready=true]")
    assert page.locator(".step-current").count() >= 1, "the new step is highlighted"
    assert page.locator(".step-completed").count() >= 1
    assert "Nhật ký toàn vẹn" in page.inner_text("#chain-badge")
    assert "Hoàn thành bước" in page.inner_text("#timeline")
    page.screenshot(path=shots / "case.png", full_page=True)


def test_a_team_lead_reassigns_a_task_on_the_case_page(browser, server, shots):
    page = sign_in(browser, server, "lead1")
    page.goto("/cases?q=đất đai")
    page.locator("#case-list a").first.click()
    item = page.locator("#open-tasks .task-item").first
    assert "Nguyễn Văn An" in item.locator(".assignee").inner_text()
    item.locator("select[name=username]").select_option("officer2")
    item.get_by_role("button", name="Giao lại").click()
    page.wait_for_load_state()
    assignee = page.locator("#open-tasks .task-item .assignee .person").first
    assert assignee.inner_text() == "Trần Thị Bình" and assignee.get_attribute("title") == "officer2"


def test_case_list_filters_and_the_supervisor_overview_chart(browser, server, shots):
    page = sign_in(browser, server, "supervisor1")
    page.goto("/cases")
    assert page.locator("#case-list tbody tr").count() >= 6
    page.screenshot(path=shots / "cases.png", full_page=True)
    page.goto("/overview")
    page.wait_for_selector("#received-chart[data-ready=true]")
    assert page.locator(".card__number").count() == 4
    page.screenshot(path=shots / "overview.png", full_page=True)


def test_the_inbox_works_on_a_phone_sized_screen_and_in_english(browser, server, shots):
    page = sign_in(browser, server, "officer2", viewport={"width": 390, "height": 844}, is_mobile=True)
    assert page.locator("#inbox tbody tr").first.is_visible()
    page.screenshot(path=shots / "inbox-phone.png", full_page=True)
    page.goto("/inbox?lang=en")
    assert "My tasks" in page.inner_text("h1")


def test_the_reception_desk_registers_a_visit_and_the_register_keeps_the_name_protected(browser, server, shots):
    page = sign_in(browser, server, "officer1")
    page.get_by_role("link", name="Tiếp công dân", exact=True).click()
    page.fill("input[name=name]", "Đặng Thị Kín Danh")
    page.fill("input[name=id_number]", "079199000111")
    page.select_option("select[name=kind_claimed]", "complaint")
    page.select_option("select[name=field]", "land")
    page.fill("[name=title]", "Khiếu nại quyết định thu hồi đất")
    page.fill("textarea[name=content]", "Đề nghị xem xét lại quyết định thu hồi đất.")
    page.fill("input[name=subject_name]", "UBND phường Bến Thành")
    page.click("#reception-form button[type=submit]")
    page.wait_for_selector("#registered")
    assert re.search(r"DT-\d{4}-\d{5}", page.inner_text("#registered"))
    page.screenshot(path=shots / "reception.png", full_page=True)
    page.goto("/reception/register")
    assert "(được bảo vệ)" in page.inner_text("#visits") and "Kín Danh" not in page.content()


def test_inbox_sorts_by_a_column_searches_and_claims_and_opens(browser, server, shots):
    page = sign_in(browser, server, "officer1")
    counts = {tab: int(page.inner_text(f"[data-count={tab}]")) for tab in ("all", "mine", "group")}
    assert counts["all"] == page.locator("#inbox tbody tr").count() >= 2
    assert counts["all"] == counts["mine"] + counts["group"]

    page.click("#inbox thead th[data-sort=code] a")
    page.wait_for_url(re.compile(r".*sort=code&order=asc"))
    codes = page.locator("#inbox tbody tr td:first-child").all_inner_texts()
    assert codes == sorted(codes)
    page.click("#inbox thead th[data-sort=code] a")
    page.wait_for_url(re.compile(r".*sort=code&order=desc"))
    assert page.locator("#inbox tbody tr td:first-child").all_inner_texts() == sorted(codes, reverse=True)
    assert page.get_attribute("#inbox thead th[data-sort=code]", "aria-sort") == "descending"

    wanted = codes[-1]
    page.fill("#inbox-search input[name=q]", wanted.lower())  # the case of letters does not matter
    page.click("#inbox-search button[type=submit]")
    page.wait_for_url(re.compile(r".*q=.*"))
    found = page.locator("#inbox tbody tr td:first-child").all_inner_texts()
    assert found and set(found) == {wanted}
    assert int(page.inner_text("[data-count=all]")) == len(found), "the counts follow the search"
    assert page.get_attribute("#inbox thead th[data-sort=code]", "aria-sort") == "descending", "the sort is kept"
    page.screenshot(path=shots / "inbox-search.png", full_page=True)

    page.goto("/inbox?tab=group")
    row = page.locator("#inbox tbody tr").first
    task_id = row.get_attribute("data-task")
    row.get_by_role("button", name="Nhận và xử lý").click()
    page.wait_for_url(re.compile(rf".*/tasks/{task_id}$"))
    assert page.locator("#task-form").is_visible()
