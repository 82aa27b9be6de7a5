"""My notifications over REST: newest first with an unread flag, marking read, my delivery preferences."""

from tests.cases import SCREEN_IN, complete, start_report, walk_to_verification
from tests.notifications import notifications_of


def _put(api, user: str, body: dict):
    return api.client.put("/api/notifications/preferences", headers=api.auth(user), json=body)


def test_my_notifications_come_newest_first_with_an_unread_flag_and_a_link(api, world):
    case_id = walk_to_verification(world)
    answer = api.get("/api/notifications", "officer1")
    assert answer.status_code == 200, answer.text
    listed = answer.json()
    assert [n["kind"] for n in listed["items"]] == ["task_assigned", "new_task"]
    assert listed["unread_count"] == 2 and all(n["unread"] for n in listed["items"])
    newest = listed["items"][0]
    assert newest["case_id"] == case_id and newest["link"] == f"/tasks/{world.ready_task(case_id).id}"
    assert "«Xác minh»" in newest["text"]
    assert [n["kind"] for n in api.get("/api/notifications", "lead1").json()["items"]] == ["new_task"]


def test_marking_some_or_all_read_only_touches_my_own(api, world):
    walk_to_verification(world)
    mine = [n["id"] for n in api.get("/api/notifications", "officer1").json()["items"]]
    officer2s = [n["id"] for n in api.get("/api/notifications", "officer2").json()["items"]]
    marked = api.post("/api/notifications/read", "officer1", json={"ids": [mine[1], *officer2s]})
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread_count": 1}
    unread = api.get("/api/notifications", "officer1", params={"unread": "true"}).json()["items"]
    assert [n["id"] for n in unread] == [mine[0]]
    assert api.get("/api/notifications", "officer2").json()["unread_count"] == 1, "not officer1's to mark"
    assert api.post("/api/notifications/read", "officer1", json={"all": True}).json() == {
        "marked": 1,
        "unread_count": 0,
    }
    listed = api.get("/api/notifications", "officer1").json()
    assert listed["unread_count"] == 0 and not any(n["unread"] for n in listed["items"])


def test_mark_read_needs_either_ids_or_all(api, world):
    for body in ({}, {"ids": [1], "all": True}, {"all": False}, {"ids": [0]}):
        answer = api.post("/api/notifications/read", "officer1", json=body)
        assert answer.status_code == 422, (body, answer.text)


def test_a_limit_out_of_range_is_refused(api, world):
    assert api.get("/api/notifications", "officer1", params={"limit": 0}).status_code == 422
    assert api.get("/api/notifications", "officer1", params={"limit": 201}).status_code == 422
    start_report(world)
    assert len(api.get("/api/notifications", "officer1", params={"limit": 1}).json()["items"]) == 1


def test_i_read_and_change_my_own_preferences(api, world):
    assert api.get("/api/notifications/preferences", "officer1").json() == {
        "email": None, "mode": "immediate", "digest_hour": 7,
    }  # fmt: skip
    changed = _put(api, "officer1", {"email": " officer1@donvi.gov.vn ", "mode": "digest", "digest_hour": 16})
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"email": "officer1@donvi.gov.vn", "mode": "digest", "digest_hour": 16}
    assert api.get("/api/notifications/preferences", "officer1").json()["mode"] == "digest"
    assert api.get("/api/notifications/preferences", "officer2").json()["email"] is None


def test_bad_preferences_are_refused_naming_the_problem_and_nothing_changes(api, world):
    not_an_address = _put(api, "officer1", {"email": "khong-phai-email", "mode": "off", "digest_hour": 7})
    assert not_an_address.status_code == 422 and "khong-phai-email" in not_an_address.json()["detail"]
    assert _put(api, "officer1", {"email": None, "mode": "weekly", "digest_hour": 7}).status_code == 422
    assert _put(api, "officer1", {"email": None, "mode": "off", "digest_hour": 24}).status_code == 422
    assert api.get("/api/notifications/preferences", "officer1").json()["mode"] == "immediate"


def test_leaving_digest_mode_drops_what_waited_for_the_digest(api, world):
    _put(api, "officer1", {"email": "officer1@donvi.gov.vn", "mode": "digest", "digest_hour": 7})
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)

    assert [n.email_status for n in notifications_of(world, "officer1")] == ["pending"]
    _put(api, "officer1", {"email": "officer1@donvi.gov.vn", "mode": "immediate", "digest_hour": 7})
    assert [n.email_status for n in notifications_of(world, "officer1")] == ["none"]


def test_everyone_signed_in_has_notifications_and_nobody_else(api, world):
    assert api.client.get("/api/notifications").status_code == 401
    for user in ("custodian1", "designer1", "admin1"):
        assert api.get("/api/notifications", user).status_code == 200
