"""REST for stuck cases: GET /api/cases/stuck, POST /api/cases/{id}/retry and /cancel with a reason."""

from tests.engine.test_recovery import stuck_case


def test_the_supervisor_lists_retries_and_cancels_a_stuck_case_over_rest(api, world):
    case_id = stuck_case(world)
    listed = api.get("/api/cases/stuck", "supervisor1")
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == case_id and row["process"] == "script_error_demo" and row["process_version"] == 1
    assert row["error"]["task"] == "divide_by_zero" and row["error"]["line"] == 3
    assert "ZeroDivisionError" in row["error"]["message"]

    retried = api.post(f"/api/cases/{case_id}/retry", "designer1", json={"reason": "Thử lại"})
    assert retried.status_code == 200 and retried.json()["status"] == "error"

    cancelled = api.post(f"/api/cases/{case_id}/cancel", "supervisor1", json={"reason": "Hủy hồ sơ lỗi"})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["open_tasks"] == []
    assert api.get("/api/cases/stuck", "supervisor1").json() == []
    again = api.post(f"/api/cases/{case_id}/cancel", "supervisor1", json={"reason": "lại"})
    assert again.status_code == 409 and "not stopped by an error" in again.json()["detail"]


def test_recovery_without_a_reason_or_by_the_wrong_person_is_refused(api, world):
    case_id = stuck_case(world)
    missing = api.post(f"/api/cases/{case_id}/cancel", "supervisor1", json={})
    assert missing.status_code == 422 and "reason" in missing.text
    blank = api.post(f"/api/cases/{case_id}/retry", "supervisor1", json={"reason": "   "})
    assert blank.status_code == 400 and "reason" in blank.json()["detail"]
    officer = api.post(f"/api/cases/{case_id}/retry", "officer1", json={"reason": "x"})
    assert officer.status_code == 403
    assert api.get("/api/cases/stuck", "officer1").status_code == 403
    other_unit = api.post(f"/api/cases/{case_id}/cancel", "supervisor_d2", json={"reason": "x"})
    assert other_unit.status_code == 404
    assert api.get("/api/cases/stuck", "supervisor_d2").json() == []
    assert api.get(f"/api/cases/{case_id}", "supervisor1").json()["status"] == "error"
