"""Absences, hand-over and bulk reassignment over REST, on both backends."""

from datetime import timedelta

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from tests.cases import start_report


def today(world):
    """The local day of the world's clock."""
    return world.clock.now().astimezone(world.services.calendar.zone).date()


def absence_body(world, **changes) -> dict:
    """officer1 away for three days from today, officer2 standing in."""
    first = today(world)
    body = {"starts_on": first.isoformat(), "ends_on": (first + timedelta(days=2)).isoformat(),
            "deputy": "officer2", "reason": "Đi công tác"}  # fmt: skip
    return {**body, **changes}


def claimed_task(world, username: str = "officer1") -> str:
    """The screening task of a new case, claimed by ``username``."""
    task_id, who = world.ready_task(start_report(world), "screen_report").id, world.actor(username)
    with transaction(world.factory) as session:
        CaseRuntime(session, world.services).claim_task(who, task_id)
    return task_id


def test_an_officer_declares_lists_hands_over_and_cancels_an_absence(api, world):
    task_id = claimed_task(world)
    created = api.post("/api/absences", "officer1", json=absence_body(world))
    assert created.status_code == 201, created.text
    absence = created.json()
    assert absence["person"]["username"] == "officer1" and absence["deputy"]["username"] == "officer2"
    assert absence["status"] == "current" and absence["starts_on"] == today(world).isoformat()
    listed = api.get("/api/absences", "officer2").json()["items"]  # the deputy sees it
    assert [a["id"] for a in listed] == [absence["id"]]
    assert api.get("/api/absences", "supervisor_d2").json()["items"] == []
    handed = api.post(f"/api/absences/{absence['id']}/hand-over", "officer1")
    assert handed.status_code == 200, handed.text
    assert [(t["id"], t["assignee"]) for t in handed.json()["moved"]] == [(task_id, "officer2")]
    assert handed.json()["kept"] == [] and handed.json()["absence"]["handed_over_at"] is not None
    assert api.get(f"/api/tasks/{task_id}", "officer2").json()["assignee"] == "officer2"
    events = api.get(f"/api/cases/{handed.json()['moved'][0]['case_id']}/events", "officer1").json()
    assert "task_handed_over" in [e["kind"] for e in events]
    cancelled = api.client.delete(f"/api/absences/{absence['id']}", headers=api.auth("officer1"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = api.client.delete(f"/api/absences/{absence['id']}", headers=api.auth("officer1"))
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]


def test_bad_absences_are_4xx_naming_the_problem(api, world):
    first = today(world)
    reversed_days = absence_body(world, ends_on=(first - timedelta(days=1)).isoformat())
    refused = api.post("/api/absences", "officer1", json=reversed_days)
    assert refused.status_code == 400 and "ends_on" in refused.json()["detail"]
    other_unit = api.post("/api/absences", "officer1", json=absence_body(world, deputy="officer_d2"))
    assert other_unit.status_code == 400 and "officer_d2" in other_unit.json()["detail"]
    assert api.post("/api/absences", "officer1", json=absence_body(world)).status_code == 201
    overlap = api.post("/api/absences", "officer1", json=absence_body(world))
    assert overlap.status_code == 409 and "already away" in overlap.json()["detail"]
    for_someone = api.post("/api/absences", "officer2", json=absence_body(world, username="officer1"))
    assert for_someone.status_code == 403
    assert api.post("/api/absences", "designer1", json=absence_body(world)).status_code == 403
    assert api.post("/api/absences", "officer1", json={"deputy": "officer2"}).status_code == 422
    assert api.post("/api/absences/999999/hand-over", "officer1").status_code == 404


def test_a_lead_declares_for_an_officer_of_the_unit_and_new_tasks_go_to_the_deputy(api, world):
    created = api.post("/api/absences", "lead1", json=absence_body(world, username="officer1"))
    assert created.status_code == 201 and created.json()["created_by"] == "lead1"
    task_id = world.ready_task(start_report(world), "screen_report").id
    assigned = api.post(f"/api/tasks/{task_id}/assign", "lead1", json={"username": "officer1"})
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "officer2"


def test_a_team_lead_reassigns_several_tasks_at_once_all_or_nothing(api, world):
    tasks = [claimed_task(world) for _ in range(2)]
    moved = api.post("/api/tasks/reassign", "lead1", json={"task_ids": tasks, "assignee": "officer2"})
    assert moved.status_code == 200, moved.text
    assert [t["assignee"] for t in moved.json()["items"]] == ["officer2", "officer2"]
    refused = api.post(
        "/api/tasks/reassign", "lead1", json={"task_ids": [*tasks, "no-such-task"], "assignee": "officer1"}
    )
    assert refused.status_code == 404 and "no-such-task" in refused.json()["detail"]
    assert [api.get(f"/api/tasks/{t}", "lead1").json()["assignee"] for t in tasks] == ["officer2", "officer2"]
    wrong_person = api.post("/api/tasks/reassign", "lead1", json={"task_ids": tasks, "assignee": "officer_d2"})
    assert wrong_person.status_code == 422
    assert (
        api.post("/api/tasks/reassign", "officer1", json={"task_ids": tasks, "assignee": "officer1"}).status_code == 403
    )
    assert api.post("/api/tasks/reassign", "lead1", json={"task_ids": [], "assignee": "officer1"}).status_code == 422
