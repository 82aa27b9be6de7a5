"""The admin's pages and the stuck cases page in a real browser (Chromium).

An admin creates an account, the new person sets their password through the one-time link and signs in; a
supervisor retries one case stopped by an error and cancels another. Screenshots go to $PHANANH_SCREENSHOTS as
admin-*.png and stuck-*.png when set (see tests/browser/test_browser.py).
"""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.runtime import CaseRuntime
from engine.core.models import HumanTask, User
from engine.people.auth import actor_for
from engine.processes.deployment import deploy_bpmn
from engine.services import EngineServices
from tests.browser_support import demo_database_url, sign_in
from tests.factories import FIXTURES
from tests.processes import api_server

STUCK_TITLES = ("Hồ sơ lỗi để chạy lại", "Hồ sơ lỗi để hủy")


def _two_stuck_cases(session: Session, services: EngineServices) -> None:
    """Two cases of officer1's unit stopped by the fixture's division by zero."""
    content = (FIXTURES / "script_error.bpmn").read_bytes()
    deploy_bpmn(session, content=content, filename="script_error.bpmn", forms=services.forms)
    officer = actor_for(session, session.scalars(select(User).where(User.username == "officer1")).one())
    runtime = CaseRuntime(session, services)
    for title in STUCK_TITLES:
        case = runtime.start_case(officer, process_key="script_error_demo", data={"title": title})
        task = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "ready")).one()
        runtime.complete_task(officer, task.id, {"findings": "Đã xác minh"})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on the demo data with two stuck cases."""
    url = demo_database_url(tmp_path_factory.mktemp("admin"), then=_two_stuck_cases)
    with api_server(url, "browser-admin-secret") as base:
        yield base


def test_an_admin_creates_an_account_and_the_person_sets_a_password_by_link_then_signs_in(browser, server, shots):
    admin = sign_in(browser, server, "admin")
    assert admin.url.endswith("/admin/users"), "the admin lands on the accounts"
    assert "Nguyễn Văn An" in admin.inner_text("#accounts")
    admin.click("#new-user")
    admin.fill("#username", "pham.van.khoa")
    admin.fill("#full_name", "Phạm Văn Khoa")
    admin.fill("#email", "khoa@example.vn")
    admin.check("input[name=roles][value=officer]")
    admin.select_option("#units", "q3")
    admin.screenshot(path=shots / "admin-new-user.png", full_page=True)
    admin.click("#account-form button[type=submit]")
    link = admin.input_value("#password-link")
    assert "/password/set/" in link and "Đã tạo tài khoản Phạm Văn Khoa" in admin.inner_text("main")
    admin.screenshot(path=shots / "admin-password-link.png", full_page=True)
    admin.click("text=Quay lại danh sách tài khoản")
    admin.fill("input[name=q]", "Khoa")
    admin.click("#user-search button[type=submit]")
    assert admin.locator("#accounts tbody tr").count() == 1
    assert "Chuyên viên xử lý" in admin.inner_text("#accounts") and "Quận ủy Quận 3" in admin.inner_text("#accounts")

    person = browser.new_context(locale="vi-VN").new_page()
    person.goto(link)
    assert "Phạm Văn Khoa" in person.inner_text("main")
    person.fill("#password", "khoa-mat-khau-1")
    person.fill("#password_again", "khoa-mat-khau-2")
    person.click("#password-form button[type=submit]")
    assert "không khớp" in person.inner_text("[role=alert]")
    person.fill("#password", "khoa-mat-khau-1")
    person.fill("#password_again", "khoa-mat-khau-1")
    person.click("#password-form button[type=submit]")
    assert "Đã đặt mật khẩu" in person.inner_text("#password-done")
    person.click("#go-sign-in")
    person.fill("#username", "pham.van.khoa")
    person.fill("#password", "khoa-mat-khau-1")
    person.click("button[type=submit]")
    person.wait_for_url(re.compile(r".*/inbox$"))
    assert "Phạm Văn Khoa" in person.inner_text("header")
    person.goto(link)
    assert "Liên kết không dùng được" in person.inner_text("main"), "the link works once"


def test_an_admin_adds_and_retires_a_unit_and_reads_the_role_overview(browser, server, shots):
    admin = sign_in(browser, server, "admin")
    admin.click("text=Cây đơn vị")
    admin.fill("#unit-code", "q3-phuong-moi")
    admin.fill("#unit-name", "Đảng ủy phường Mới")
    admin.select_option("#unit-parent", "q3")
    admin.click("#new-unit button[type=submit]")
    assert "Đã thêm đơn vị." in admin.inner_text("[role=status]")
    row = admin.locator("#unit-q3-phuong-moi")
    row.get_by_role("button", name="Giải thể").click()
    assert "Đã giải thể đơn vị." in admin.inner_text("[role=status]")
    assert "Đã giải thể ngày" in admin.inner_text("#unit-q3-phuong-moi")
    admin.screenshot(path=shots / "admin-units.png", full_page=True)
    admin.locator("#unit-q1").get_by_role("button", name="Giải thể").click()
    assert "Chưa giải thể được đơn vị 'Quận ủy Quận 1'" in admin.inner_text("main")
    admin.goto("/admin/roles")
    assert "Lãnh đạo đơn vị" in admin.inner_text("#role-overview")
    assert "Phạm Thị Dung" in admin.inner_text("#role-overview")
    admin.screenshot(path=shots / "admin-roles.png", full_page=True)


def test_a_supervisor_retries_one_stuck_case_and_cancels_another(browser, server, shots):
    page = sign_in(browser, server, "supervisor1")
    page.click("nav >> text=Hồ sơ lỗi")
    page.wait_for_url(re.compile(r".*/cases/stuck$"))
    rows = page.locator("#stuck-cases tbody tr")
    assert rows.count() == 2 and "ZeroDivisionError" in page.inner_text("#stuck-cases")
    page.screenshot(path=shots / "stuck-cases.png", full_page=True)

    retry_row = rows.filter(has_text=STUCK_TITLES[0])
    retry_row.locator("form[action$='/retry'] input[name=reason]").fill("Chạy lại sau khi kiểm tra")
    retry_row.get_by_role("button", name="Chạy lại").click()
    page.wait_for_url(re.compile(r".*/cases/stuck\?done=still_error$"))
    assert "Đã chạy lại nhưng bước vẫn lỗi." in page.inner_text("[role=status]")
    assert page.locator("#stuck-cases tbody tr").count() == 2, "the step failed again: still listed"

    cancel_row = page.locator("#stuck-cases tbody tr").filter(has_text=STUCK_TITLES[1])
    reason = cancel_row.locator("form[action$='/cancel'] input[name=reason]")
    cancel_row.get_by_role("button", name="Hủy hồ sơ").click()
    assert reason.evaluate("input => input.validity.valueMissing"), "a reason is required"
    assert page.url.endswith("?done=still_error"), "the browser did not send the form without a reason"
    reason.fill("Hồ sơ nhập trùng")
    cancel_row.get_by_role("button", name="Hủy hồ sơ").click()
    page.wait_for_url(re.compile(r".*/cases/stuck\?done=cancelled$"))
    assert "Đã hủy hồ sơ." in page.inner_text("[role=status]")
    remaining = page.locator("#stuck-cases tbody tr")
    assert remaining.count() == 1 and STUCK_TITLES[0] in remaining.inner_text()
    page.screenshot(path=shots / "stuck-after.png", full_page=True)

    page.goto("/cases?status=cancelled")
    page.locator("#case-list tbody tr", has_text=STUCK_TITLES[1]).locator("a").first.click()
    assert "Đã hủy" in page.inner_text("main")
