"""The bell and the notifications pages: unread count in the header, the list, mark all read, my preferences."""

import re

from tests.cases import start_report, walk_to_verification
from tests.notifications import kinds_of, notifications_of


def _bell(text: str) -> int:
    return int(re.search(r'class="bell__count">(\d+)<', text).group(1))


def test_the_bell_in_the_header_shows_my_unread_count(web, world):
    walk_to_verification(world)
    officer = web().login("officer1")
    assert _bell(officer.get("/inbox").text) == 2
    assert _bell(web().login("lead1").get("/inbox").text) == 1
    assert _bell(web().login("designer1").get("/designer").text) == 0


def test_the_list_is_newest_first_highlights_unread_and_links_to_the_task(web, world):
    case_id = walk_to_verification(world)
    page = web().login("officer1").get("/notifications")
    assert page.status_code == 200
    items = re.findall(r'<li class="notification( notification--unread)?" data-kind="(\w+)"', page.text)
    assert items == [(" notification--unread", "task_assigned"), (" notification--unread", "new_task")]
    assert f'href="/tasks/{world.ready_task(case_id).id}"' in page.text
    assert "Được giao việc" in page.text and "«Xác minh»" in page.text


def test_mark_all_read_empties_the_bell_and_keeps_the_list(web, world):
    start_report(world)
    officer = web().login("officer1")
    done = officer.post_form("/notifications/read", {}, csrf_from="/notifications")
    assert done.status_code == 303 and done.headers["location"] == "/notifications?marked=1"
    page = officer.get("/notifications?marked=1")
    assert _bell(page.text) == 0 and "notification--unread" not in page.text
    assert "Đã đánh dấu 1 thông báo là đã đọc" in page.text
    assert kinds_of(world, "officer1") == ["new_task"] and notifications_of(world, "officer1")[0].read_at is not None
    assert _bell(web().login("officer2").get("/inbox").text) == 1, "officer2's are still unread"


def test_mark_all_read_needs_the_csrf_token(web, world):
    start_report(world)
    officer = web().login("officer1")
    assert officer.client.post("/notifications/read", follow_redirects=False).status_code == 403
    assert _bell(officer.get("/inbox").text) == 1


def test_the_page_speaks_english_with_the_switch(web, world):
    start_report(world)
    page = web().login("officer1").get("/notifications?lang=en")
    assert "Mark all as read" in page.text and "New task" in page.text


def test_i_change_my_preferences_on_my_page_and_a_bad_address_keeps_what_i_typed(web, world):
    officer = web().login("officer1")
    form = officer.get("/notifications/preferences")
    assert form.status_code == 200 and 'value="immediate" checked' in form.text
    bad = officer.post_form(
        "/notifications/preferences", {"email": "sai@", "mode": "digest", "digest_hour": "18"},
        csrf_from="/notifications/preferences",
    )  # fmt: skip
    assert bad.status_code == 400 and "không hợp lệ" in bad.text and 'value="sai@"' in bad.text
    saved = officer.post_form(
        "/notifications/preferences", {"email": "officer1@donvi.gov.vn", "mode": "digest", "digest_hour": "18"},
        csrf_from="/notifications/preferences",
    )  # fmt: skip
    assert saved.status_code == 303
    page = officer.get(saved.headers["location"])
    assert "Đã lưu cách nhận thông báo" in page.text and 'value="officer1@donvi.gov.vn"' in page.text
    assert 'value="digest" checked' in page.text and '<option value="18" selected>' in page.text
