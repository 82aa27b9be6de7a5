"""The web pages, through HTTP: login required everywhere, CSRF, forms that keep what was typed, no identities."""

import html
import io
import json
import re

import pytest

from tests.cases import SCREEN_IN, assign_data, complete, start_report, walk_to_verification

PAGES = ("/inbox", "/inbox?tab=overdue", "/cases", "/cases/new", "/overview", "/cases/1", "/cases/1/diagram.bpmn")
REPORTER_NAME = "Trần Thị Y"  # the reporter's name in tests.factories.INTAKE


@pytest.mark.parametrize("url", PAGES)
def test_no_page_is_reachable_without_login(web, world, url):
    start_report(world)
    response = web().client.get(url, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_the_login_page_is_public_and_a_wrong_password_says_so(web):
    browser = web()
    assert browser.get("/login").status_code == 200
    response = browser.client.post("/login", data={"username": "officer1", "password": "nope-nope"})
    assert response.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in response.text


def test_a_forged_session_cookie_is_ignored(web):
    browser = web()
    browser.client.cookies.set("phananh_session", "forged.token.value")
    assert browser.client.get("/inbox", follow_redirects=False).status_code == 303


def test_inbox_shows_group_tasks_with_deadline_and_one_click_claims(web, world):
    case_id = start_report(world)
    officer = web().login("officer1")
    page = officer.get("/inbox")
    assert page.status_code == 200 and "PA-" in page.text and "Phân loại, sàng lọc" in page.text
    task_id = world.ready_task(case_id).id
    claimed = officer.post_form(f"/tasks/{task_id}/claim", {}, csrf_from="/inbox")
    assert claimed.status_code == 303
    assert world.ready_task(case_id).assignee == "officer1"
    assert task_id in officer.get("/inbox?tab=mine").text


def test_a_form_post_without_the_csrf_token_is_refused(web, world):
    case_id = start_report(world)
    officer = web().login("officer1")
    task_id = world.ready_task(case_id).id
    response = officer.client.post(f"/tasks/{task_id}", data={"screening": "in_scope"}, follow_redirects=False)
    assert response.status_code == 403
    assert world.ready_task(case_id).state == "ready"


def test_invalid_task_data_shows_errors_per_field_and_keeps_what_was_typed(web, world):
    case_id = start_report(world)
    officer = web().login("officer1")
    task_id = world.ready_task(case_id).id
    typed = {"screening": "out_of_scope", "note": "Ghi chú <b>đã gõ</b>"}
    response = officer.post_form(f"/tasks/{task_id}", typed, csrf_from=f"/tasks/{task_id}")
    assert response.status_code == 422
    assert re.search(r'class="field-error"[^>]*>[^<]*', response.text)
    assert "Ghi chú &lt;b&gt;đã gõ&lt;/b&gt;" in response.text
    fixed = officer.post_form(
        f"/tasks/{task_id}", {**typed, "reason": "Tranh chấp dân sự"}, csrf_from=f"/tasks/{task_id}"
    )
    assert fixed.status_code == 303 and fixed.headers["location"].startswith(f"/cases/{case_id}")
    assert world.ready_task(case_id, "forward_or_archive") is not None


def test_evidence_is_stored_with_its_sha256_and_oversized_files_are_refused(web, world):
    import hashlib

    case_id = walk_to_verification(world)
    officer = web().login("officer1")
    task_id = world.ready_task(case_id, "verify_report").id
    world.settings.max_attachment_bytes = 50
    too_big = {"evidence": ("big.pdf", io.BytesIO(b"x" * 51), "application/pdf")}
    refused = officer.post_form(
        f"/tasks/{task_id}", {"findings": "Có cơ sở"}, csrf_from=f"/tasks/{task_id}", files=too_big
    )
    assert refused.status_code == 422 and "big.pdf" in refused.text
    assert world.ready_task(case_id, "verify_report").state == "ready"
    content = b"bien ban xac minh"
    files = {"evidence": ("bien-ban.txt", io.BytesIO(content), "text/plain")}
    done = officer.post_form(f"/tasks/{task_id}", {"findings": "Có cơ sở"}, csrf_from=f"/tasks/{task_id}", files=files)
    assert done.status_code == 303
    case_page = officer.get(f"/cases/{case_id}").text
    assert hashlib.sha256(content).hexdigest()[:16] in case_page
    link = re.search(rf"/cases/{case_id}/attachments/\d+", case_page).group(0)
    assert officer.get(link).content == content


def test_the_case_page_shows_diagram_markers_timeline_and_a_verified_chain(web, world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    page = web().login("officer1").get(f"/cases/{case_id}").text
    markers = json.loads(html.unescape(re.search(r"data-markers='([^']+)'", page).group(1)))
    assert "screen_report" in markers["completed"] and markers["current"] == ["assign_verification"]
    assert 'id="chain-badge"' in page and "Nhật ký toàn vẹn" in page
    assert "Hoàn thành bước" in page and "Kết quả phân loại</span>: — → Thuộc phạm vi xử lý" in page


def test_a_team_lead_reassigns_an_open_task_from_the_case_page(web, world):
    case_id = walk_to_verification(world)
    lead = web().login("lead1")
    task_id = world.ready_task(case_id, "verify_report").id
    response = lead.post_form(f"/tasks/{task_id}/reassign", {"username": "officer2"}, csrf_from=f"/cases/{case_id}")
    assert response.status_code == 303
    assert world.ready_task(case_id, "verify_report").assignee == "officer2"
    officer = web().login("officer1")
    refused = officer.post_form(f"/tasks/{task_id}/reassign", {"username": "officer1"}, csrf_from="/cases/new")
    assert refused.status_code == 403 and "team_lead" in refused.text


def test_registering_a_case_from_the_intake_form(web, world):
    officer = web().login("officer1")
    data = {"source": "voter", "behaviour_group": "duty", "field": "education", "title": "Hiệu trưởng thu sai",
            "description": "Cử tri phản ánh", "subject.name": "Lê Văn Z", "subject.position": "Phó"}  # fmt: skip
    response = officer.post_form("/cases/new", data, csrf_from="/cases/new")
    assert response.status_code == 303
    listed = officer.get("/cases?q=Lê Văn Z").text
    assert "Hiệu trưởng thu sai" in listed
    missing = officer.post_form("/cases/new", {"title": "Chỉ có tiêu đề"}, csrf_from="/cases/new")
    assert missing.status_code == 422 and "Chỉ có tiêu đề" in missing.text


def test_no_page_reveals_the_protected_identity(web, world):
    case_id = walk_to_verification(world)
    complete(world, start_report(world), "screen_report", "officer1", SCREEN_IN)
    verify_task = world.ready_task(case_id, "verify_report").id
    for username in ("officer1", "lead1", "supervisor1"):
        browser = web().login(username)
        for url in ("/inbox", "/cases", f"/cases/{case_id}", f"/tasks/{verify_task}", "/overview", "/cases?q=Trần"):
            response = browser.get(url)
            assert REPORTER_NAME not in response.text, (username, url)
    assert "(được bảo vệ)" in web().login("officer1").get(f"/tasks/{verify_task}").text


def test_the_overview_is_for_supervisors_and_counts_my_units(web, world):
    walk_to_verification(world, days=1)
    start_report(world)
    assert web().login("officer1").get("/overview").status_code == 403
    page = web().login("supervisor1").get("/overview").text
    numbers = re.findall(r'class="card__number">(\d+)<', page)
    assert numbers[0] == "2"
    chart = json.loads(html.unescape(re.search(r"data-chart='([^']+)'", page).group(1)))
    assert len(chart["labels"]) == 12 and sum(sum(d["data"]) for d in chart["datasets"]) == 2


def test_pages_switch_to_english(web, world):
    officer = web().login("officer1")
    assert "My tasks" in officer.get("/inbox?lang=en").text
    assert "My tasks" in officer.get("/cases").text, "the choice is remembered"
    assert "Việc của tôi" in officer.get("/inbox?lang=vi").text


def test_unknown_pages_answer_with_a_way_back(web, world):
    officer = web().login("officer1")
    response = officer.get("/cases/999999")
    assert response.status_code == 404 and 'id="error-home"' in response.text and 'href="/"' in response.text


def test_assign_verification_page_flow_moves_the_case_on(web, world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    lead = web().login("lead1")
    task_id = world.ready_task(case_id, "assign_verification").id
    form = {k: str(v) for k, v in assign_data(10).items()}
    assert lead.post_form(f"/tasks/{task_id}", form, csrf_from=f"/tasks/{task_id}").status_code == 303
    assert world.ready_task(case_id, "verify_report").assignee == "officer1"


def test_signing_out_needs_the_csrf_token_and_ends_the_session(web, world):
    officer = web().login("officer1")
    assert officer.client.post("/logout", follow_redirects=False).status_code == 403
    assert officer.post_form("/logout", {}, csrf_from="/inbox").status_code == 303
    assert officer.client.get("/inbox", follow_redirects=False).status_code == 303


def test_the_report_and_sla_pages_are_for_supervisors(web, world):
    from datetime import timedelta

    walk_to_verification(world, days=1)
    world.clock.advance(timedelta(days=5))
    assert web().login("officer1").get("/reports").status_code == 403
    supervisor = web().login("supervisor1")
    page = supervisor.get("/reports").text
    assert 'id="section-by_field"' in page and "/reports/export.pdf?period=" in page
    export = re.search(r'href="(/reports/export\.xlsx\?[^"]+)"', page).group(1)
    workbook = supervisor.get(html.unescape(export))
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK", "the page's own export works with the cookie"
    pdf = supervisor.get(html.unescape(export.replace("xlsx", "pdf")))
    assert pdf.content.startswith(b"%PDF")
    assert 'data-figure="received"' in page and "/cases?unit=" in page, "figures link to their cases"
    sla = supervisor.get("/reports/sla")
    assert sla.status_code == 200 and "PA-" in sla.text and 'id="sla-overdue"' in sla.text
    assert supervisor.get("/reports?period=2026-13").status_code == 400
