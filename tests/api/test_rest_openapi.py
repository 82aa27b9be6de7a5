"""The OpenAPI document describes every REST route of the page capabilities, with its refusals."""

EXPECTED = {
    ("/api/cases/{case_id}/attachments", "post"): {"201", "401", "403", "404", "413", "422"},
    ("/api/cases/{case_id}/attachments", "get"): {"200", "401", "403", "404"},
    ("/api/attachments/{attachment_id}", "get"): {"200", "401", "403", "404"},
    ("/api/tasks/{task_id}/complete-with-evidence", "post"): {"200", "401", "403", "404", "409", "413", "422"},
    ("/api/drafts", "get"): {"200", "401", "403"},
    ("/api/drafts", "post"): {"201", "400", "401", "403", "422"},
    ("/api/drafts/{draft_id}", "get"): {"200", "401", "403", "404"},
    ("/api/drafts/{draft_id}", "put"): {"200", "400", "401", "403", "404", "422"},
    ("/api/drafts/{draft_id}", "delete"): {"204", "401", "403", "404"},
    ("/api/forms", "get"): {"200", "401", "403"},
    ("/api/forms", "post"): {"201", "400", "401", "403", "422"},
    ("/api/forms/{name}", "get"): {"200", "401", "403", "404"},
    ("/api/users", "get"): {"200", "401", "403"},
    ("/api/units", "get"): {"200", "401", "403"},
}


def test_the_new_routes_are_documented_with_their_answers_and_body_models(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    documented = {(path, method): set(paths[path][method]["responses"]) for path, method in EXPECTED}
    missing = {key: sorted(codes - documented[key]) for key, codes in EXPECTED.items() if codes - documented[key]}
    assert missing == {}
    upload = paths["/api/cases/{case_id}/attachments"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload
    listed = paths["/api/cases/{case_id}/attachments"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["items"]["$ref"].endswith("/AttachmentOut")
