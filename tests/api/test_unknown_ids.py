"""Unknown ids and impossible requests on the designer and citizen-side routes: a clear 4xx, never a 500."""

import pytest

DESIGNER_GETS = (
    "/api/processes/no_such_process/versions",
    "/api/processes/report_1374/versions/99/xml",
    "/api/processes/report_1374/diff?from_version=1&to_version=99",
    "/api/processes/no_such_process/diff?from_version=1&to_version=2",
    "/api/migrations/999999",
)
STAFF_GETS = (
    "/api/matters/999999",
    "/api/cases/999999/duplicate-candidates",
    "/api/cases/999999/identity",
)


@pytest.mark.parametrize("url", DESIGNER_GETS)
def test_designer_reads_of_unknown_things_are_404_with_a_message(api, url):
    response = api.get(url, "designer1")
    assert response.status_code == 404, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize("url", STAFF_GETS)
def test_staff_reads_of_unknown_cases_and_matters_are_404_with_a_message(api, url):
    response = api.get(url, "supervisor1")
    assert response.status_code == 404, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [{"to_version": 99}, {"to_version": 1, "case_ids": [999999]}, {"to_version": "two"}, {}],
)
def test_migration_requests_that_cannot_be_served_are_refused_with_4xx(api, body):
    for url in ("/api/processes/report_1374/migrations/dry-run", "/api/processes/report_1374/migrations"):
        response = api.post(url, "designer1", json=body)
        assert 400 <= response.status_code < 500, (url, body, response.status_code, response.text)
        assert response.json()["detail"]


def test_officers_cannot_reach_designer_routes(api):
    for url in ("/api/processes/report_1374/versions", "/api/migrations/1"):
        assert api.get(url, "officer1").status_code == 403
    assert api.post("/api/processes/lint", "officer1", json={"xml": "<x/>"}).status_code == 403


@pytest.mark.parametrize("path", ["/portal/tra-cuu", "/portal/theo-doi", "/portal/gui-don", "/portal/phan-anh"])
def test_portal_posts_without_a_form_token_are_refused_not_crashed(api, path):
    response = api.client.post(path, data={"code": "PA-2026-00001", "secret": "x", "email": "a@b.c"})
    assert 400 <= response.status_code < 500, response.text
    assert "<html" in response.text.lower()


def test_portal_unsubscribe_with_an_unknown_token_says_nothing_about_subscriptions_and_links_back(api):
    confirm = api.client.get("/portal/huy-dang-ky/not-a-token")
    assert confirm.status_code == 200
    assert 'action="/portal/huy-dang-ky/not-a-token"' in confirm.text and 'href="/portal"' in confirm.text
    done = api.client.post("/portal/huy-dang-ky/not-a-token")
    assert done.status_code == 200 and 'role="status"' in done.text and 'href="/portal"' in done.text
