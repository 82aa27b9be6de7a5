"""Process drafts over REST: designers save, list, read, update and delete diagrams without deploying them."""

DIAGRAM = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>'
EDITED = DIAGRAM.replace('id="d"', 'id="d2"')


def test_a_designer_saves_lists_reads_updates_and_deletes_a_draft(api):
    body = {"xml": DIAGRAM, "name": "Thử hạn mới", "process_key": "report_1374", "based_on_version": 1}
    created = api.post("/api/drafts", "designer1", json=body)
    assert created.status_code == 201, created.text
    draft = created.json()
    assert (draft["name"], draft["xml"], draft["process_key"], draft["based_on_version"], draft["updated_by"]) == (
        "Thử hạn mới", DIAGRAM, "report_1374", 1, "designer1",
    )  # fmt: skip
    listed = api.get("/api/drafts", "designer1").json()
    assert [(d["id"], d["name"]) for d in listed] == [(draft["id"], "Thử hạn mới")] and "xml" not in listed[0]

    updated = api.client.put(
        f"/api/drafts/{draft['id']}", headers=api.auth("designer1"), json={"xml": EDITED, "name": "Bản hai"}
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["xml"], updated.json()["name"], updated.json()["process_key"]) == (
        EDITED, "Bản hai", "report_1374",
    )  # fmt: skip
    assert api.get(f"/api/drafts/{draft['id']}", "designer1").json()["xml"] == EDITED
    versions = api.get("/api/processes/report_1374/versions", "designer1").json()
    assert [v["version"] for v in versions] == [1], "a draft deploys nothing"

    deleted = api.client.delete(f"/api/drafts/{draft['id']}", headers=api.auth("designer1"))
    assert deleted.status_code == 204
    assert api.get(f"/api/drafts/{draft['id']}", "designer1").status_code == 404
    assert api.get("/api/drafts", "designer1").json() == []


def test_draft_requests_are_checked_for_who_asks_what_exists_and_what_is_sent(api):
    assert api.client.get("/api/drafts").status_code == 401
    assert api.client.post("/api/drafts", json={"xml": DIAGRAM}).status_code == 401
    assert api.get("/api/drafts", "officer1").status_code == 403
    assert api.post("/api/drafts", "supervisor1", json={"xml": DIAGRAM}).status_code == 403

    designer = api.auth("designer1")
    for response in (
        api.get("/api/drafts/999999", "designer1"),
        api.client.put("/api/drafts/999999", headers=designer, json={"xml": DIAGRAM}),
        api.client.delete("/api/drafts/999999", headers=designer),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "Draft 999999 does not exist"

    for body in ({}, {"xml": ""}, {"xml": DIAGRAM, "based_on_version": 0}, {"xml": DIAGRAM, "name": "x" * 256}):
        refused = api.post("/api/drafts", "designer1", json=body)
        assert refused.status_code == 422, body
        assert refused.json()["detail"].startswith("Invalid request:")
    blank = api.post("/api/drafts", "designer1", json={"xml": "   "})
    assert blank.status_code == 400 and "BPMN XML" in blank.json()["detail"]
    assert api.get("/api/drafts", "designer1").json() == []
