"""End-to-end over the REST API: a 1374 report through every step, with audit chain and inbox visibility."""

from tests.factories import INTAKE

OFFICERS_OF_D1 = ("officer1", "officer2")
EVERYONE = ("officer1", "officer2", "lead1", "supervisor1", "officer_d2", "supervisor_d2")


def register(api, data=None) -> dict:
    response = api.post("/api/cases", "officer1", json={"process": "report_1374", "data": data or INTAKE})
    assert response.status_code == 201, response.text
    return response.json()


def inbox_task_ids(api, user: str, case_id: int) -> set[str]:
    response = api.get("/api/tasks", user, params={"case_id": case_id})
    assert response.status_code == 200, response.text
    return {t["id"] for t in response.json()["items"]}


def open_task(api, case_id: int, spec_name: str) -> dict:
    case = api.get(f"/api/cases/{case_id}", "supervisor1").json()
    tasks = [t for t in case["open_tasks"] if t["spec_name"] == spec_name]
    assert tasks, f"{spec_name} is not open; open: {[t['spec_name'] for t in case['open_tasks']]}"
    return tasks[0]


def complete_step(api, case_id: int, spec_name: str, user: str, data: dict, *, seen_by: tuple[str, ...]) -> dict:
    """Check exactly ``seen_by`` see the task in their inbox, then complete it as ``user``."""
    task = open_task(api, case_id, spec_name)
    visible = {name for name in EVERYONE if task["id"] in inbox_task_ids(api, name, case_id)}
    assert visible == set(seen_by), f"{spec_name} visible to {visible}, expected {set(seen_by)}"
    response = api.post(f"/api/tasks/{task['id']}/complete", user, json={"data": data})
    assert response.status_code == 200, response.text
    return response.json()


def test_report_in_scope_with_violation_and_party_reprimand_publicized_in_writing(api):
    created = register(api)
    assert created["status"] == "in_progress"
    assert created["tracking_code"].startswith("PA-")
    case_id = created["id"]

    complete_step(api, case_id, "screen_report", "officer2", {"screening": "in_scope"}, seen_by=OFFICERS_OF_D1)
    complete_step(
        api,
        case_id,
        "assign_verification",
        "lead1",
        {"verifying_officer": "officer1", "verification_days": 10, "verification_day_type": "working"},
        seen_by=("lead1",),
    )
    verify = open_task(api, case_id, "verify_report")
    assert verify["assignee"] == "officer1" and verify["due_at"] is not None
    complete_step(api, case_id, "verify_report", "officer1", {"findings": "Có cơ sở"}, seen_by=("officer1",))
    conclusion = {"violation": True, "party_sanction": "reprimand", "state_sanction": "none", "conclusion": "Vi phạm"}
    complete_step(api, case_id, "conclude_verification", "officer1", conclusion, seen_by=("officer1",))
    complete_step(api, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"}, seen_by=("supervisor1",))
    publication = {"channels": ["writing"], "published_on": "2026-12-01", "summary": "Đã thông báo bằng văn bản"}
    final = complete_step(api, case_id, "publicize_result", "officer2", publication, seen_by=OFFICERS_OF_D1)

    assert final["status"] == "completed"
    assert final["open_tasks"] == []
    assert final["data"]["party_sanction"] == "reprimand"
    assert final["data"]["statistics_record"]["channels"] == ["writing"]
    assert final["data"]["reporter"] == "(được bảo vệ)"

    events = api.get(f"/api/cases/{case_id}/events", "supervisor1").json()
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "case_started" and kinds[-1] == "case_completed"
    assert kinds.count("task_completed") == 6
    assert all(e["prev_hash"] == prev["hash"] for prev, e in zip(events, events[1:], strict=False))
    assert "Trần Thị Y" not in str(events)
    verdict = api.get(f"/api/cases/{case_id}/events/verify", "supervisor1").json()
    assert verdict == {"valid": True, "count": len(events), "broken_at_seq": None}


def test_report_out_of_scope_is_forwarded_with_reason_and_closed(api):
    case_id = register(api)["id"]
    complete_step(
        api,
        case_id,
        "screen_report",
        "officer1",
        {"screening": "out_of_scope", "reason": "Tranh chấp dân sự"},
        seen_by=OFFICERS_OF_D1,
    )
    final = complete_step(
        api,
        case_id,
        "forward_or_archive",
        "officer1",
        {"disposition": "forward", "reason": "Thuộc thẩm quyền tòa án", "forward_to": "TAND Quận 1"},
        seen_by=OFFICERS_OF_D1,
    )
    assert final["status"] == "completed"
    assert final["data"]["forward_to"] == "TAND Quận 1"
    assert api.get(f"/api/cases/{case_id}/events/verify", "supervisor1").json()["valid"] is True
    listed = api.get("/api/cases", "officer1", params={"status": "completed"}).json()
    assert [c["id"] for c in listed["items"]] == [case_id]


def test_cases_of_another_district_are_invisible(api):
    case_id = register(api)["id"]
    assert api.get(f"/api/cases/{case_id}", "supervisor_d2").status_code == 404
    assert api.get("/api/cases", "supervisor_d2").json()["total"] == 0
    assert api.get("/api/cases", "supervisor1", params={"q": "địa chính"}).json()["total"] == 1


def test_only_the_supervisor_reads_the_protected_identity_and_the_read_is_audited(api):
    case_id = register(api)["id"]
    assert api.get(f"/api/cases/{case_id}/identity", "officer1").status_code == 403
    response = api.get(f"/api/cases/{case_id}/identity", "supervisor1")
    assert response.status_code == 200
    assert response.json()["identity"]["reporter"]["name"] == "Trần Thị Y"
    kinds = [e["kind"] for e in api.get(f"/api/cases/{case_id}/events", "supervisor1").json()]
    assert kinds[-1] == "identity_read"
