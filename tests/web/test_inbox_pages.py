"""The inbox page: counts on the tabs, a search box, sortable columns, claim-and-open."""

import re
from datetime import timedelta

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from tests.cases import start_report
from tests.factories import INTAKE


def titled(world, title: str) -> int:
    return start_report(world, {**INTAKE, "title": title})


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="row[^"]*" data-task="([^"]+)"', html)


def test_the_tabs_show_how_many_tasks_they_hold(web, world):
    titled(world, "Thứ nhất")
    case_id = titled(world, "Thứ hai")
    with transaction(world.factory) as session:
        CaseRuntime(session, world.services).claim_task(world.actor("officer1"), world.ready_task(case_id).id)
    html = web().login("officer1").get("/inbox").text
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', html))
    assert counts == {"all": "2", "mine": "1", "group": "1", "overdue": "0", "week": "0"}


def test_the_search_box_finds_a_task_by_words_of_its_case_and_says_when_nothing_matches(web, world):
    titled(world, "Cán bộ nhận quà biếu")
    wanted = titled(world, "Lấn chiếm vỉa hè")
    officer = web().login("officer1")
    page = officer.get("/inbox?q=lấn chiếm").text
    assert rows(page) == [world.ready_task(wanted).id]
    assert 'value="lấn chiếm"' in page and 'data-count="all">1<' in page
    empty = officer.get("/inbox?q=không-có-gì").text
    assert "Không có việc nào khớp với" in empty and "không-có-gì" in empty


def test_a_column_header_sorts_and_a_second_click_reverses(web, world):
    first = titled(world, "Ba")
    world.clock.advance(timedelta(hours=1))
    second = titled(world, "An")
    officer = web().login("officer1")
    ids = {world.ready_task(first).id: "Ba", world.ready_task(second).id: "An"}
    by_title = officer.get("/inbox?sort=title&order=asc").text
    assert [ids[t] for t in rows(by_title)] == ["An", "Ba"]
    assert 'aria-sort="ascending"' in by_title and "sort=title&amp;order=desc" in by_title
    reversed_ = officer.get("/inbox?sort=title&order=desc").text
    assert [ids[t] for t in rows(reversed_)] == ["Ba", "An"]


def test_an_unknown_sort_falls_back_to_the_deadline(web, world):
    titled(world, "Một")
    page = web().login("officer1").get("/inbox?sort=colour&order=up")
    assert page.status_code == 200 and 'data-sort="deadline"' in page.text


def test_claim_and_open_takes_the_task_and_opens_its_form(web, world):
    case_id = titled(world, "Nhận và xử lý")
    task_id = world.ready_task(case_id).id
    officer = web().login("officer1")
    assert "Nhận và xử lý" in officer.get("/inbox").text
    response = officer.post_form(f"/tasks/{task_id}/claim", {}, csrf_from="/inbox")
    assert response.status_code == 303 and response.headers["location"] == f"/tasks/{task_id}"
    assert world.ready_task(case_id).assignee == "officer1"


def test_claim_alone_stays_on_the_inbox(web, world):
    case_id = titled(world, "Chỉ nhận")
    task_id = world.ready_task(case_id).id
    officer = web().login("officer1")
    response = officer.post_form(f"/tasks/{task_id}/claim", {"then": "inbox"}, csrf_from="/inbox")
    assert response.status_code == 303 and response.headers["location"] == "/inbox?tab=mine"


def test_every_1374_step_shows_its_deadline_in_the_inbox(web, world):
    titled(world, "Có hạn")
    html = web().login("officer1").get("/inbox").text
    assert "Không đặt hạn" not in html and "còn" in html
