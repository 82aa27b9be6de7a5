"""Pages speak the officer's language: walking a 1374 report, a complaint and a denunciation to their end, every
page each person visits shows no raw enum code of any form, no task spec id and no username of a named person."""

import pytest
from sqlalchemy import select

from engine.core.models import User
from tests.cases import SCREEN_IN, complete, start_report
from tests.raw_codes import raw_words, visible_text
from tests.walks import walk_to_the_end


def named_usernames(world) -> set[str]:
    with world.factory() as session:
        return {u.username for u in session.scalars(select(User)) if u.full_name}


@pytest.mark.parametrize("process_key", ["report_1374", "complaint", "denunciation"])
def test_every_page_of_a_walk_to_the_end_shows_labels_and_names_not_codes(web, world, process_key):
    usernames = named_usernames(world)
    browsers: dict[str, object] = {}
    found: dict[str, list[str]] = {}

    def visit(username, case_id, task):
        if username not in browsers:
            browsers[username] = web().login(username)  # one sign-in per person (argon2 is slow on purpose)
        browser = browsers[username]
        urls = ["/inbox", "/inbox?tab=mine", "/cases", f"/cases/{case_id}"]
        if task is not None:
            urls.append(f"/tasks/{task.id}")
        if username == "supervisor1":
            urls.append("/overview")
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)
            raw = raw_words(visible_text(response.text), usernames)
            if raw:
                found[f"{username} {url}"] = raw

    case_id = walk_to_the_end(world, process_key, visit)
    for username, browser in browsers.items():
        done = browser.get(f"/cases/{case_id}")
        raw = raw_words(visible_text(done.text), usernames)
        if raw:
            found[f"{username} /cases/{case_id} (finished)"] = raw
    assert found == {}


def test_the_check_finds_what_it_looks_for():
    page = "<p>Kết quả: in_scope · screen_report · officer1</p><input value='out_of_scope' title='lead1'>"
    assert raw_words(visible_text(page), {"officer1", "lead1"}) == ["in_scope", "officer1", "screen_report"]


def test_the_case_page_names_the_step_done_the_people_the_role_and_the_process(web, world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    officer = web().login("officer1")
    page = officer.get(f"/cases/{case_id}?done=screen_report").text
    assert "Đã hoàn thành bước: Phân loại, sàng lọc" in page
    assert '<span class="person" title="officer1">Nguyễn Văn An</span>' in page
    assert "Nguyễn Văn An · Cán bộ" in page, "the header names the role"
    assert "Kết quả phân loại" in page and "Thuộc phạm vi xử lý" in page
    assert ">Phản ánh theo Quy định 1374" in officer.get("/cases").text or "report_1374</option>" not in (
        officer.get("/cases").text
    )
    diagram = officer.get(f"/cases/{case_id}/diagram.bpmn").text
    assert 'name="Tổ trưởng"' in diagram and 'name="team_lead"' not in diagram


def test_the_verifying_officer_is_picked_from_the_officers_of_the_case_unit(web, world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    task_id = world.ready_task(case_id, "assign_verification").id
    lead = web().login("lead1")
    page = lead.get(f"/tasks/{task_id}").text
    picker = page[page.index('<select name="verifying_officer"') : page.index("</select>", page.index("verifying"))]
    assert '<option value="officer1"' in picker and "Nguyễn Văn An" in picker and "Trần Thị Bình" in picker
    assert "officer_d2" not in picker and "lead1" not in picker, "only officers of the case's unit"
    refused = lead.post_form(
        f"/tasks/{task_id}",
        {"verifying_officer": "officer_d2", "verification_days": "10", "verification_day_type": "working"},
        csrf_from=f"/tasks/{task_id}",
    )
    assert refused.status_code == 422 and "không thuộc đơn vị của hồ sơ" in refused.text
    done = lead.post_form(
        f"/tasks/{task_id}",
        {"verifying_officer": "officer2", "verification_days": "10", "verification_day_type": "working"},
        csrf_from=f"/tasks/{task_id}",
    )
    assert done.status_code == 303 and world.ready_task(case_id, "verify_report").assignee == "officer2"


def test_in_english_the_task_form_and_the_case_page_show_the_forms_english_titles(web, world):
    case_id = start_report(world)
    officer = web().login("officer1")
    task_id = world.ready_task(case_id, "screen_report").id
    form = officer.client.get(f"/tasks/{task_id}?lang=en").text
    assert "Screening result" in form and "Within the scope of handling" in form and "Duplicate of information" in form
    assert "Kết quả phân loại" not in form and "Thuộc phạm vi xử lý" not in form
    assert "<h1>Classify and screen</h1>" in form, "the step's name in English"
    assert "Classify and screen" in officer.client.get("/inbox?lang=en").text
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    english = officer.client.get(f"/cases/{case_id}?lang=en").text
    assert "Screening result" in english and "Within the scope of handling" in english
    assert "Kết quả phân loại" not in english
    vietnamese = officer.client.get(f"/cases/{case_id}?lang=vi").text
    assert "Kết quả phân loại" in vietnamese and "Thuộc phạm vi xử lý" in vietnamese
