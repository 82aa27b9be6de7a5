"""Deploying asks for confirmation first: the preview says which version it makes and which elements change."""

from sqlalchemy import func, select

from engine.core.models import ProcessDefinition
from tests.web.test_designer_pages import BROKEN_CONDITION, NEW_DEADLINE, REPORT_1374, _csrf, _post_xml


def _versions(world) -> int:
    with world.factory() as session:
        return session.scalar(select(func.count()).where(ProcessDefinition.key == "report_1374"))


def test_the_preview_lists_the_changed_timer_and_deploys_nothing(web, world):
    browser = web().login("designer1")
    before = _versions(world)
    answer = _post_xml(browser, "/designer/deploy/preview", NEW_DEADLINE, csrf=_csrf(browser))
    assert answer.status_code == 200
    body = answer.json()
    assert body["current_version"] == 1 and body["next_version"] == 2 and body["unchanged"] is False
    changed = {element["id"]: element for element in body["changed"]}
    assert set(changed) == {"verification_escalation"}
    assert any("verification_days + 5" in line for line in changed["verification_escalation"]["changes"])
    assert body["added"] == [] and body["removed"] == []
    assert _versions(world) == before, "a preview never deploys"


def test_the_preview_of_the_deployed_file_says_nothing_changes(web, world):
    browser = web().login("designer1")
    body = _post_xml(browser, "/designer/deploy/preview", REPORT_1374, csrf=_csrf(browser)).json()
    assert body["unchanged"] is True and body["next_version"] == body["current_version"] == 1
    assert body["changed"] == []


def test_the_preview_refuses_a_file_with_lint_errors(web, world):
    browser = web().login("designer1")
    answer = _post_xml(browser, "/designer/deploy/preview", BROKEN_CONDITION, csrf=_csrf(browser))
    assert answer.status_code == 422 and answer.json()["ok"] is False
    assert any(p["severity"] == "error" for p in answer.json()["problems"])


def test_the_preview_needs_the_csrf_token_and_the_deploy_role(web, world):
    designer = web().login("designer1")
    assert _post_xml(designer, "/designer/deploy/preview", NEW_DEADLINE).status_code == 403
    officer = web().login("officer1")
    assert _post_xml(officer, "/designer/deploy/preview", NEW_DEADLINE, csrf=officer.csrf("/inbox")).status_code == 403


def test_the_modeler_has_the_confirmation_dialog(web, world):
    html = web().login("designer1").get("/designer/edit/report_1374").text
    assert 'id="deploy-confirm"' in html and "Xác nhận triển khai" in html
    assert 'id="prop-deadline-days"' in html, "the step deadline is edited in the properties panel"


def test_a_designer_signing_in_lands_on_the_designer_home(web, world):
    browser = web()
    response = browser.client.post(
        "/login", data={"username": "designer1", "password": "phananh-test-pw"}, follow_redirects=False
    )
    assert response.status_code == 303
    home = browser.client.get(response.headers["location"], follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/designer"
