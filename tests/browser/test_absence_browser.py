"""Real-browser tests of delegation: an officer declares an absence and hands the open tasks over; a team lead
reassigns several tasks at once with checkboxes."""

import re

import pytest

from tests.browser_support import demo_database_url, sign_in
from tests.processes import api_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on a fresh SQLite database with the demo data."""
    with api_server(demo_database_url(tmp_path_factory.mktemp("absences")), "browser-test-secret") as base:
        yield base


def test_an_officer_declares_an_absence_and_hands_the_open_tasks_over(browser, server, shots):
    page = sign_in(browser, server, "officer1")
    page.goto("/inbox?tab=mine")
    assert page.locator("#inbox tbody tr").count() >= 1, "the demo gives officer1 tasks by name"
    page.get_by_role("link", name="Vắng mặt / ủy quyền").click()
    page.wait_for_url(re.compile(r".*/absences$"))
    page.select_option("#a-deputy", label="Trần Thị Bình")
    page.fill("#a-reason", "Nghỉ phép năm")
    page.click("#declare-absence button[type=submit]")
    page.wait_for_url(re.compile(r".*/absences\?done=declared$"))
    row = page.locator("#absences tbody tr").first
    assert "Nguyễn Văn An" in row.inner_text() and "Trần Thị Bình" in row.inner_text()
    assert "Đang vắng" in row.inner_text() and re.search(r"\d\d/\d\d/\d{4} – \d\d/\d\d/\d{4}", row.inner_text())
    row.get_by_role("button", name="Bàn giao việc đang mở").click()
    page.wait_for_selector("#handed-over")
    assert re.search(r"Đã bàn giao [1-9]\d* việc", page.inner_text("#handed-over"))
    assert "Đã bàn giao lúc" in page.locator("#absences tbody tr").first.inner_text()
    page.screenshot(path=shots / "absences.png", full_page=True)
    page.goto("/inbox?tab=mine")
    assert page.locator("#inbox tbody tr").count() == 0, "every task named for officer1 is with the deputy"
    deputy = sign_in(browser, server, "officer2")
    deputy.goto("/inbox?tab=mine")
    assert deputy.locator("#inbox tbody tr").count() >= 1


def test_a_team_lead_reassigns_several_tasks_at_once(browser, server, shots):
    page = sign_in(browser, server, "lead1")
    page.get_by_role("link", name="Giao việc của nhóm").click()
    page.wait_for_url(re.compile(r".*/team$"))
    boxes = page.locator("#team-tasks tr[data-lane='officer'] input[type=checkbox]")  # steps an officer may take
    assert boxes.count() >= 2
    chosen = [boxes.nth(i).get_attribute("value") for i in range(2)]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.select_option("#b-assignee", label="Trần Thị Bình")
    page.screenshot(path=shots / "team-reassign.png", full_page=True)
    page.get_by_role("button", name="Giao lại các việc đã chọn").click()
    page.wait_for_url(re.compile(r".*/team\?done=2$"))
    assert "Đã giao lại 2 việc." in page.inner_text("main")
    for task_id in chosen:
        assert "Trần Thị Bình" in page.locator(f"#team-tasks tr[data-task='{task_id}']").inner_text()
