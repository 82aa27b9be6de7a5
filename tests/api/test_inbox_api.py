"""The REST inbox: search (q), sort and order, counts per tab, and the week filter."""

from datetime import timedelta

from tests.factories import INTAKE


def start(api, title: str) -> int:
    return api.post(
        "/api/cases", "officer1", json={"process": "report_1374", "data": {**INTAKE, "title": title}}
    ).json()["id"]


def test_the_inbox_searches_sorts_and_counts(api, world):
    first = start(api, "Cán bộ A nhận quà")
    world.clock.advance(timedelta(hours=1))
    second = start(api, "Cán bộ B gây khó dễ")
    found = api.get("/api/tasks", "officer1", params={"q": "cán bộ b"}).json()  # "B" in the title
    assert [t["case_id"] for t in found["items"]] == [second] and found["total"] == 1
    assert found["counts"] == {"all": 1, "mine": 0, "group": 1, "overdue": 0, "week": 0}
    newest_first = api.get("/api/tasks", "officer1", params={"sort": "received", "order": "desc"}).json()
    assert [t["case_id"] for t in newest_first["items"]] == [second, first]
    oldest_first = api.get("/api/tasks", "officer1", params={"sort": "received", "order": "asc"}).json()
    assert [t["case_id"] for t in oldest_first["items"]] == [first, second]
    assert oldest_first["counts"]["all"] == 2


def test_tasks_due_within_a_week_and_overdue_are_counted(api, world):
    case_id = start(api, "Hồ sơ có hạn")
    world.clock.advance(timedelta(days=5))  # screening is due after 7 working days
    counts = api.get("/api/tasks", "officer1").json()["counts"]
    assert counts["week"] == 1 and counts["overdue"] == 0
    week = api.get("/api/tasks", "officer1", params={"due_within_days": 7}).json()
    assert [t["case_id"] for t in week["items"]] == [case_id]
    world.clock.advance(timedelta(days=10))
    counts = api.get("/api/tasks", "officer1").json()["counts"]
    assert counts["overdue"] == 1 and counts["week"] == 0


def test_an_unknown_sort_column_is_a_422_naming_it(api):
    response = api.get("/api/tasks", "officer1", params={"sort": "colour"})
    assert response.status_code == 422 and "sort" in response.text
    assert api.get("/api/tasks", "officer1", params={"order": "sideways"}).status_code == 422


def test_the_counts_can_be_left_out(api):
    start(api, "Không cần đếm")
    assert api.get("/api/tasks", "officer1", params={"with_counts": False}).json()["counts"] is None
