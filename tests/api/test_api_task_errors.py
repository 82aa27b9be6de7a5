"""Bad requests on tasks get clear 4xx answers: 401, 403, 404, 409 and 422 with field names."""

from tests.factories import INTAKE


def screening_task(api) -> tuple[int, str]:
    case_id = api.post("/api/cases", "officer1", json={"process": "report_1374", "data": INTAKE}).json()["id"]
    task = api.get("/api/tasks", "officer1", params={"case_id": case_id}).json()["items"][0]
    return case_id, task["id"]


def test_completing_a_task_twice_answers_409_naming_who_completed_it(api):
    _, task_id = screening_task(api)
    first = api.post(f"/api/tasks/{task_id}/complete", "officer1", json={"data": {"screening": "in_scope"}})
    assert first.status_code == 200
    second = api.post(f"/api/tasks/{task_id}/complete", "officer2", json={"data": {"screening": "in_scope"}})
    assert second.status_code == 409
    assert "already completed by officer1" in second.json()["detail"]


def test_invalid_form_data_answers_422_with_each_bad_field(api):
    _, task_id = screening_task(api)
    response = api.post(
        f"/api/tasks/{task_id}/complete", "officer1", json={"data": {"screening": "maybe", "colour": "red"}}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "screening" in {e["field"] for e in errors}
    assert any("colour" in e["message"] for e in errors)


def test_out_of_scope_without_a_reason_is_refused_on_the_reason_field(api):
    _, task_id = screening_task(api)
    response = api.post(f"/api/tasks/{task_id}/complete", "officer1", json={"data": {"screening": "out_of_scope"}})
    assert response.status_code == 422
    assert "reason" in {e["field"] for e in response.json()["errors"]}


def test_invalid_intake_names_the_missing_fields(api):
    response = api.post("/api/cases", "officer1", json={"process": "report_1374", "data": {"title": "x"}})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"source", "behaviour_group", "field", "description", "subject"} <= fields


def test_a_task_assigned_to_someone_else_answers_403(api):
    _, task_id = screening_task(api)
    claimed = api.post(f"/api/tasks/{task_id}/claim", "officer2")
    assert claimed.status_code == 200
    assert claimed.json()["assignee"] == "officer2" and claimed.json()["tracking_code"].startswith("PA-")
    response = api.post(f"/api/tasks/{task_id}/complete", "officer1", json={"data": {"screening": "in_scope"}})
    assert response.status_code == 403
    assert "officer2" in response.json()["detail"]


def test_a_task_of_another_role_answers_403(api):
    _, task_id = screening_task(api)
    response = api.post(f"/api/tasks/{task_id}/complete", "lead1", json={"data": {"screening": "in_scope"}})
    assert response.status_code == 403


def test_unknown_ids_answer_404(api):
    assert api.post("/api/tasks/nope/complete", "officer1", json={"data": {}}).status_code == 404
    assert api.get("/api/cases/999999", "officer1").status_code == 404
    assert api.get("/api/processes/unknown/start-form", "officer1").status_code == 404
    response = api.post("/api/cases", "officer1", json={"process": "unknown", "data": {}})
    assert response.status_code == 404 and "unknown" in response.json()["detail"]


def test_requests_without_a_valid_token_answer_401(api):
    assert api.client.get("/api/tasks").status_code == 401
    assert api.client.get("/api/cases/1", headers={"Authorization": "Bearer forged"}).status_code == 401
    bad = api.client.post("/api/auth/token", data={"username": "officer1", "password": "wrong-password"})
    assert bad.status_code == 401


def test_officers_of_another_district_cannot_touch_the_task(api):
    _, task_id = screening_task(api)
    assert api.post(f"/api/tasks/{task_id}/claim", "officer_d2").status_code == 404


def test_designers_do_not_handle_cases(api):
    assert api.get("/api/tasks", "designer1").status_code == 403
    response = api.post("/api/cases", "designer1", json={"process": "report_1374", "data": INTAKE})
    assert response.status_code == 403


def test_team_lead_assigns_a_group_task_to_an_officer_of_the_unit(api):
    _, task_id = screening_task(api)
    assert api.post(f"/api/tasks/{task_id}/assign", "officer1", json={"username": "officer2"}).status_code == 403
    wrong_unit = api.post(f"/api/tasks/{task_id}/assign", "lead1", json={"username": "officer_d2"})
    assert wrong_unit.status_code == 422
    response = api.post(f"/api/tasks/{task_id}/assign", "lead1", json={"username": "officer2"})
    assert response.status_code == 200 and response.json()["assignee"] == "officer2"
    mine = api.get("/api/tasks", "officer2", params={"assigned": "me"}).json()["items"]
    assert [t["id"] for t in mine] == [task_id]
    assert api.get("/api/tasks", "officer1", params={"assigned": "group"}).json()["total"] == 0


def test_verifying_officer_must_be_an_officer_of_the_unit(api):
    case_id, task_id = screening_task(api)
    api.post(f"/api/tasks/{task_id}/complete", "officer1", json={"data": {"screening": "in_scope"}})
    assign = api.get("/api/tasks", "lead1", params={"case_id": case_id}).json()["items"][0]
    data = {"verifying_officer": "supervisor1", "verification_days": 10, "verification_day_type": "working"}
    response = api.post(f"/api/tasks/{assign['id']}/complete", "lead1", json={"data": data})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "verifying_officer"


def test_task_form_and_start_form_are_json_schemas(api):
    _, task_id = screening_task(api)
    form = api.get(f"/api/tasks/{task_id}/form", "officer1").json()
    assert form["properties"]["screening"]["enum"] == ["in_scope", "out_of_scope", "duplicate"]
    start = api.get("/api/processes/report_1374/start-form", "officer1").json()
    assert "source" in start["required"]
    processes = {p["key"]: p for p in api.get("/api/processes", "officer1").json()}
    assert processes["report_1374"]["latest_version"] == 1 and processes["report_1374"]["start_form"]


def test_healthz_and_openapi_document_the_task_answers(api):
    assert api.client.get("/healthz").json()["status"] == "ok"
    spec = api.client.get("/openapi.json").json()
    complete = spec["paths"]["/api/tasks/{task_id}/complete"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(complete["responses"])


def test_malformed_json_body_answers_422_not_500(api):
    response = api.client.post(
        "/api/cases", content=b"{not json", headers={**api.auth("officer1"), "Content-Type": "application/json"}
    )
    assert response.status_code == 422


def test_an_unreachable_database_answers_503_not_500(world):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from engine.core.db import make_engine, make_session_factory
    from engine.core.models import User
    from engine.people.auth import issue_token

    unreachable = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    app = create_app(world.settings, services=world.services, session_factory=unreachable, run_scheduler=False)
    token = issue_token(User(username="officer1"), secret=world.settings.secret_key, minutes=5)
    with TestClient(app) as client:
        response = client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 503 and "unavailable" in response.json()["detail"]
        assert client.get("/healthz").json()["status"] == "degraded"
