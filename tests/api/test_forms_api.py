"""The form catalog over REST: designers list the forms, read one, and save an edited form under a new name."""

from engine.processes.form_store import form_catalog

EDITED = {
    "type": "object",
    "title": "Xác minh (bản 2)",
    "required": ["findings"],
    "properties": {"findings": {"type": "string", "title": "Kết quả xác minh"}},
}


def test_the_catalog_lists_the_files_then_a_saved_form_with_who_saved_it(api, world):
    catalog = api.get("/api/forms", "designer1")
    assert catalog.status_code == 200
    names = [f["name"] for f in catalog.json()]
    assert names == sorted(world.services.forms.names()) and "verify_report.schema.json" in names
    assert not any(f["saved"] for f in catalog.json())

    schema = api.get("/api/forms/verify_report.schema.json", "designer1")
    assert schema.status_code == 200 and schema.json() == world.services.forms.schema("verify_report.schema.json")

    saved = api.post("/api/forms", "designer1", json={"based_on": "verify_report.schema.json", "schema": EDITED})
    assert saved.status_code == 201, saved.text
    assert (saved.json()["name"], saved.json()["created_by"]) == ("verify_report.v2.schema.json", "designer1")
    assert api.get("/api/forms/verify_report.v2.schema.json", "designer1").json() == EDITED
    entry = [f for f in api.get("/api/forms", "designer1").json() if f["name"] == "verify_report.v2.schema.json"]
    assert entry == [
        {"name": "verify_report.v2.schema.json", "saved": True, "created_by": "designer1",
         "created_at": saved.json()["created_at"]}
    ]  # fmt: skip
    with world.factory() as session:
        assert [e.name for e in form_catalog(session, world.services.forms) if e.saved] == [saved.json()["name"]]
    again = api.post("/api/forms", "designer1", json={"based_on": "verify_report.schema.json", "schema": EDITED})
    assert again.json()["name"] == "verify_report.v3.schema.json", "saved forms are immutable: a new name each time"


def test_form_requests_are_checked_for_who_asks_what_exists_and_what_is_sent(api):
    body = {"based_on": "verify_report.schema.json", "schema": EDITED}
    assert api.client.get("/api/forms").status_code == 401
    assert api.client.post("/api/forms", json=body).status_code == 401
    assert api.get("/api/forms", "officer1").status_code == 403
    assert api.get("/api/forms/verify_report.schema.json", "officer1").status_code == 403
    assert api.post("/api/forms", "officer1", json=body).status_code == 403

    unknown = api.get("/api/forms/no_such_form.schema.json", "designer1")
    assert unknown.status_code == 404 and "no_such_form.schema.json" in unknown.json()["detail"]

    for invalid in ({}, {"based_on": "verify_report.schema.json"}, {"based_on": "", "schema": EDITED},
                    {"based_on": "verify_report.schema.json", "schema": ["not", "an", "object"]}):  # fmt: skip
        refused = api.post("/api/forms", "designer1", json=invalid)
        assert refused.status_code == 422, invalid
        assert refused.json()["detail"].startswith("Invalid request:")
    bad_schema = api.post("/api/forms", "designer1", json={**body, "schema": {"type": "no-such-type"}})
    assert bad_schema.status_code == 400 and "not a valid JSON Schema" in bad_schema.json()["detail"]
    bad_name = api.post("/api/forms", "designer1", json={**body, "based_on": "../etc/passwd"})
    assert bad_name.status_code == 400 and "is not a form name" in bad_name.json()["detail"]
    assert not any(f["saved"] for f in api.get("/api/forms", "designer1").json())
