"""Designer pages: the process list, importing a BPMN file, and the modeler's lint and deploy routes."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from engine.models import ProcessDefinition
from engine.settings import PROJECT_ROOT
from tests.test_web_pages import Browser

REPORT_1374 = (PROJECT_ROOT / "processes" / "report_1374.bpmn").read_bytes()
BROKEN_CONDITION = REPORT_1374.replace(b"screening == 'duplicate'</bpmn", b"screening ==</bpmn")
NEW_DEADLINE = REPORT_1374.replace(
    b">verification_deadline</bpmn:timeDate>", b">deadline_in_working_days(verification_days + 5)</bpmn:timeDate>"
)


@pytest.fixture
def web(world):
    app = create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)
    with TestClient(app) as client:
        yield lambda: Browser(TestClient(app, cookies={}))
        client.close()


def _csrf(browser: Browser) -> str:
    return browser.csrf("/designer")


def _post_xml(browser: Browser, url: str, content: bytes, *, csrf: str | None = None):
    headers = {"Content-Type": "application/xml"}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    return browser.client.post(f"{url}?filename=report_1374.bpmn", content=content, headers=headers)


def _flow_id_of(condition: bytes) -> str:
    before = BROKEN_CONDITION[: BROKEN_CONDITION.index(condition)]
    return re.findall(rb'<bpmn:sequenceFlow id="([^"]+)"', before)[-1].decode()


def test_designer_pages_need_the_designer_role(web, world):
    anonymous = web().client.get("/designer", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    officer = web().login("officer1")
    for url in ("/designer", "/designer/new", "/designer/edit/report_1374?version=1"):
        assert officer.get(url).status_code == 403, url


def test_designer_home_lists_processes_with_links_and_the_nav_link(web, world):
    page = web().login("designer1").get("/designer")
    assert page.status_code == 200
    assert 'href="/designer/edit/report_1374?version=1"' in page.text
    assert 'href="/designer/processes/report_1374/versions"' in page.text
    assert 'href="/designer/new"' in page.text
    assert 'action="/designer/upload"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert ">Thiết kế quy trình</a>" in page.text
    assert "Thiết kế quy trình</a>" not in web().login("officer1").get("/inbox").text


def test_modeler_page_loads_a_version_or_a_blank_diagram(web, world):
    browser = web().login("designer1")
    page = browser.get("/designer/edit/report_1374?version=1")
    assert page.status_code == 200
    assert 'data-xml-url="/designer/processes/report_1374/versions/1/diagram.bpmn"' in page.text
    assert "/vendor/bpmn-js/bpmn-modeler.production.min.js" in page.text
    assert 'id="prop-timer-expression"' in page.text and "verify_report.schema.json" in page.text
    blank = browser.get("/designer/new")
    assert blank.status_code == 200 and 'data-xml-url=""' in blank.text and "new_process" in blank.text
    assert browser.get("/designer/edit/report_1374?version=9").status_code == 404
    assert "verify_report.schema.json" in browser.get("/designer/forms.json").json()["forms"]


def test_upload_deploys_a_good_file_as_version_2_by_the_uploader(web, world):
    browser = web().login("designer1")
    files = {"file": ("report_1374.bpmn", NEW_DEADLINE, "application/xml")}
    page = browser.post_form("/designer/upload", {}, csrf_from="/designer", files=files)
    assert page.status_code == 200, page.text
    assert "Đã triển khai phiên bản 2" in page.text
    with world.factory() as session:
        definition = session.scalars(select(ProcessDefinition).where(ProcessDefinition.version == 2)).one()
        assert (definition.key, definition.deployed_by) == ("report_1374", "designer1")


def test_upload_of_a_broken_file_shows_the_errors_at_their_elements_with_422(web, world):
    browser = web().login("designer1")
    files = {"file": ("report_1374.bpmn", BROKEN_CONDITION, "application/xml")}
    page = browser.post_form("/designer/upload", {}, csrf_from="/designer", files=files)
    assert page.status_code == 422
    assert "Không triển khai được report_1374.bpmn" in page.text
    assert f'data-element-id="{_flow_id_of(b"screening ==</bpmn")}"' in page.text
    garbage = {"file": ("x.bpmn", b"not xml at all", "application/xml")}
    assert browser.post_form("/designer/upload", {}, csrf_from="/designer", files=garbage).status_code == 422


def test_upload_needs_the_csrf_token(web, world):
    browser = web().login("designer1")
    files = {"file": ("report_1374.bpmn", NEW_DEADLINE, "application/xml")}
    assert browser.client.post("/designer/upload", files=files).status_code == 403


def test_lint_route_returns_problems_at_element_ids(web, world):
    browser = web().login("designer1")
    csrf = _csrf(browser)
    answer = _post_xml(browser, "/designer/lint", BROKEN_CONDITION, csrf=csrf)
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is False and body["process_key"] == "report_1374"
    errors = [p for p in body["problems"] if p["severity"] == "error"]
    assert _flow_id_of(b"screening ==</bpmn") in {p["element_id"] for p in errors}
    clean = _post_xml(browser, "/designer/lint", REPORT_1374, csrf=csrf).json()
    assert clean["ok"] is True
    assert _post_xml(browser, "/designer/lint", REPORT_1374).status_code == 403, "the CSRF header is required"


def test_deploy_route_refuses_errors_then_creates_version_2(web, world):
    browser = web().login("designer1")
    csrf = _csrf(browser)
    refused = _post_xml(browser, "/designer/deploy", BROKEN_CONDITION, csrf=csrf)
    assert refused.status_code == 422 and refused.json()["problems"]
    answer = _post_xml(browser, "/designer/deploy", NEW_DEADLINE, csrf=csrf)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["key"], body["version"], body["created"]) == ("report_1374", 2, True)
    assert body["migrations_url"] == "/designer/processes/report_1374/migrations?to_version=2"
    with world.factory() as session:
        definition = session.scalars(select(ProcessDefinition).where(ProcessDefinition.version == 2)).one()
        assert definition.deployed_by == "designer1"
        assert "deadline_in_working_days(verification_days + 5)" in definition.content
    officer = web().login("officer1")
    assert _post_xml(officer, "/designer/deploy", NEW_DEADLINE, csrf=_csrf(browser)).status_code == 403
