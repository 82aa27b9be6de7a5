"""Designer pages: the process list, importing a BPMN file, and the modeler's lint and deploy routes."""

import json
import re

from sqlalchemy import select

from engine.core.models import ProcessDefinition
from engine.core.settings import PROJECT_ROOT
from tests.web_session import Browser

REPORT_1374 = (PROJECT_ROOT / "processes" / "report_1374.bpmn").read_bytes()
BROKEN_CONDITION = REPORT_1374.replace(b"screening == 'duplicate'</bpmn", b"screening ==</bpmn")
NEW_DEADLINE = REPORT_1374.replace(
    b">verification_deadline</bpmn:timeDate>", b">deadline_in_working_days(verification_days + 5)</bpmn:timeDate>"
)


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
    flow = _flow_id_of(b"screening ==</bpmn")
    assert f'data-element-id="{flow}"' in page.text
    assert re.search(rf"<td>Luồng («[^»]+» )?\({flow}\): điều kiện sai: lỗi cú pháp Python ở dòng 1", page.text)
    assert "condition expression:" not in page.text
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
    broken = next(p for p in errors if p["element_id"] == _flow_id_of(b"screening ==</bpmn"))
    assert broken["code"] == "python" and broken["message"].startswith("condition expression: Python syntax error")
    assert "điều kiện sai: lỗi cú pháp Python ở dòng 1" in broken["text"] == broken["message_vi"]
    browser.get("/designer?lang=en")
    english = _post_xml(browser, "/designer/lint", BROKEN_CONDITION, csrf=csrf).json()["problems"]
    assert all(p["text"] == p["message"] for p in english) and english
    browser.get("/designer?lang=vi")
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


def test_drafts_are_saved_updated_reopened_and_deleted(web, world):
    browser = web().login("designer1")
    csrf = _csrf(browser)
    headers = {"Content-Type": "application/xml", "X-CSRF-Token": csrf}
    params = "name=Thử hạn mới&process_key=report_1374&based_on_version=1"
    saved = browser.client.post(f"/designer/drafts?{params}", content=BROKEN_CONDITION, headers=headers)
    assert saved.status_code == 200, saved.text
    draft_id = saved.json()["id"]
    assert saved.json()["url"] == f"/designer/drafts/{draft_id}"
    updated = browser.client.post(
        f"/designer/drafts?draft_id={draft_id}&name=Thử hạn mới", content=NEW_DEADLINE, headers=headers
    )
    assert updated.json()["id"] == draft_id

    home = browser.get("/designer")
    assert f'href="/designer/drafts/{draft_id}"' in home.text and "Thử hạn mới" in home.text
    page = browser.get(f"/designer/drafts/{draft_id}")
    assert page.status_code == 200 and f'data-xml-url="/designer/drafts/{draft_id}/diagram.bpmn"' in page.text
    assert browser.get(f"/designer/drafts/{draft_id}/diagram.bpmn").content == NEW_DEADLINE
    with world.factory() as session:
        assert session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.version == 2)) is None

    assert browser.client.post(f"/designer/drafts/{draft_id}/delete").status_code == 403, "CSRF is required"
    deleted = browser.post_form(f"/designer/drafts/{draft_id}/delete", {}, csrf_from="/designer")
    assert deleted.status_code == 303 and deleted.headers["location"] == "/designer"
    assert browser.get(f"/designer/drafts/{draft_id}").status_code == 404
    assert web().login("officer1").get("/designer/drafts/1").status_code == 403


def test_form_preview_renders_a_valid_schema_and_explains_an_invalid_one(web, world):
    browser = web().login("designer1")
    csrf = _csrf(browser)
    schema = browser.get("/designer/forms/schema?name=verify_report.schema.json").json()
    ok = browser.client.post(
        "/designer/forms/preview", data={"schema": json.dumps(schema)}, headers={"X-CSRF-Token": csrf}
    )
    assert ok.status_code == 200 and 'data-valid="true"' in ok.text
    assert all(f'name="{field}"' in ok.text for field in schema["required"] if field in schema["properties"])

    bad_json = browser.client.post("/designer/forms/preview", data={"schema": "{"}, headers={"X-CSRF-Token": csrf})
    assert bad_json.status_code == 422 and "JSON không hợp lệ" in bad_json.text
    bad_schema = browser.client.post(
        "/designer/forms/preview", data={"schema": '{"type": "nope"}'}, headers={"X-CSRF-Token": csrf}
    )
    assert bad_schema.status_code == 422 and "JSON Schema không hợp lệ" in bad_schema.text


def test_a_saved_form_gets_a_new_name_and_the_catalog_and_deployment_use_it(web, world):
    browser = web().login("designer1")
    csrf = _csrf(browser)
    schema = browser.get("/designer/forms/schema?name=verify_report.schema.json").json()
    schema["properties"]["extra_note"] = {"type": "string", "title": "Ghi chú thêm"}
    schema["required"] = [*schema.get("required", []), "extra_note"]
    answer = browser.client.post(
        "/designer/forms",
        data={"schema": json.dumps(schema), "based_on": "verify_report.schema.json"},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 200 and answer.json()["name"] == "verify_report.v2.schema.json"
    again = browser.client.post(
        "/designer/forms",
        data={"schema": json.dumps(schema), "based_on": "verify_report.v2.schema.json"},
        headers={"X-CSRF-Token": csrf},
    )
    assert again.json()["name"] == "verify_report.v3.schema.json"
    refused = browser.client.post(
        "/designer/forms",
        data={"schema": "[]", "based_on": "verify_report.schema.json"},
        headers={"X-CSRF-Token": csrf},
    )
    assert refused.status_code == 422

    forms = world.services.forms
    assert "verify_report.v2.schema.json" in forms.names()
    assert forms.problem_with("verify_report.v2.schema.json") is None
    assert {e.field for e in forms.field_errors("verify_report.v2.schema.json", {})} >= {"extra_note"}
    with_new_form = NEW_DEADLINE.replace(b'value="verify_report.schema.json"', b'value="verify_report.v2.schema.json"')
    deployed = _post_xml(browser, "/designer/deploy", with_new_form, csrf=csrf)
    assert deployed.status_code == 200 and deployed.json()["version"] == 2
    missing = with_new_form.replace(b"verify_report.v2.schema.json", b"verify_report.v9.schema.json")
    problems = _post_xml(browser, "/designer/lint", missing, csrf=csrf).json()["problems"]
    assert any(p["element_id"] == "verify_report" and p["severity"] == "error" for p in problems)


def test_a_file_that_is_not_utf8_is_refused_with_a_reason(web, world):
    browser = web().login("designer1")
    latin = REPORT_1374.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"').replace("Xác minh".encode(), b"X\xe1c")
    files = {"file": ("report_1374.bpmn", latin, "application/xml")}
    page = browser.post_form("/designer/upload", {}, csrf_from="/designer", files=files)
    assert page.status_code == 400 and "UTF-8" in page.text


def test_the_form_editor_speaks_vietnamese_and_english_with_the_switch(web, world):
    browser = web().login("designer1")
    csrf = _csrf(browser)
    page = browser.get("/designer/edit/report_1374").text
    assert "Nội dung biểu mẫu (JSON Schema)" in page and "Lưu biểu mẫu thành tên mới" in page
    assert "Xem trước cập nhật khi bạn gõ." in page and "<code>required</code> liệt kê các trường bắt buộc" in page

    def preview(text: str) -> str:
        answer = browser.client.post("/designer/forms/preview", data={"schema": text}, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 422
        return answer.text

    assert "Biểu mẫu đang trống: hãy nhập JSON Schema." in preview("  ")
    assert "JSON không hợp lệ (dòng 1, cột 2)" in preview("{")
    assert "JSON Schema không hợp lệ: biểu mẫu phải là một đối tượng JSON." in preview("[1]")
    saved = browser.client.post("/designer/forms", data={"schema": "[1]"}, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 422 and saved.json()["problem"].startswith("JSON Schema không hợp lệ")

    page = browser.get("/designer/edit/report_1374?lang=en").text
    assert "Form content (JSON Schema)" in page and "Save the form under a new name" in page
    assert "Nội dung biểu mẫu" not in page
    assert "Invalid JSON (line 1, column 2)" in preview("{")
    assert "Invalid JSON Schema: &#39;nope&#39; is not valid under any of the given schemas" in preview(
        '{"type": "nope"}'
    )
    browser.get("/designer?lang=vi")
