"""In a real browser: edit the 1374 diagram in the modeler, see lint at the element, deploy v2, migrate a case."""

import json
import re

import pytest
from lxml import etree
from sqlalchemy import select

from engine.core.db import make_engine, make_session_factory
from engine.core.models import HumanTask
from engine.processes.bpmn_xml import NAMESPACES
from tests.browser_support import DEMO_PASSWORD, demo_database_url, sign_in
from tests.processes import api_server

DUPLICATE_FLOW = "flow_screening_decision_to_closed_as_duplicate"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A server on the demo data, and the case waiting at verify_report."""
    url = demo_database_url(tmp_path_factory.mktemp("designer-browser"))
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        task = session.scalars(
            select(HumanTask).where(HumanTask.spec_name == "verify_report", HumanTask.state == "ready")
        ).first()
        case_id = task.case_id
    engine.dispose()
    with api_server(url, "browser-test-secret") as base:
        yield base, case_id


def _deadline_of_verification(page, case_id: int) -> str:
    page.goto(f"/cases/{case_id}")
    item = page.locator("#open-tasks .task-item", has_text="Xác minh")
    return item.locator(".sla").inner_text()


def test_edit_the_deadline_fix_a_broken_condition_deploy_v2_and_migrate_a_running_case(browser, demo, shots):
    server, case_id = demo
    page = sign_in(browser, server, "designer1")
    officer = sign_in(browser, server, "officer1")  # designers do not read case pages; the officer sees the deadline
    before = _deadline_of_verification(officer, case_id)

    page.click("text=Thiết kế quy trình")
    row = page.locator("#processes tr[data-process='report_1374']")
    row.get_by_role("link", name="Mở trong trình thiết kế").click()
    page.wait_for_selector("#modeler[data-ready='true']")

    page.click(".djs-shape[data-element-id='verification_escalation']")
    assert page.input_value("#prop-timer-expression") == "verification_deadline"
    assert page.input_value("#prop-timer-role") == "escalation"
    page.fill("#prop-timer-expression", "deadline_in_working_days(verification_days + 5)")

    page.click(f".djs-shape[data-element-id='{DUPLICATE_FLOW}_label']")
    assert page.input_value("#prop-condition") == "screening == 'duplicate'"
    page.fill("#prop-condition", "screening ==")
    page.click("#lint-button")
    page.wait_for_selector("#lint-panel[data-state='done']")
    problem = page.locator(f"#lint-list li.lint-error[data-element-id='{DUPLICATE_FLOW}']")
    assert problem.count() >= 1
    assert page.locator(f".djs-connection.lint-error[data-element-id='{DUPLICATE_FLOW}']").count() == 1
    page.click("#deploy-button")
    page.wait_for_selector("#lint-panel[data-state='done']")
    assert page.locator("#deploy-result").is_hidden(), "errors block deployment"
    page.screenshot(path=shots / "designer-modeler.png", full_page=True)

    problem.first.click()
    assert page.input_value("#prop-condition") == "screening ==", "the list entry selects the flow"
    page.fill("#prop-condition", "screening == 'duplicate'")
    page.keyboard.press("Escape")
    page.click(".djs-shape[data-element-id='screen_report']")
    assert page.input_value("#prop-deadline-days") == "7", "the 1374 screening period is a step property"
    page.fill("#prop-deadline-days", "9")
    page.press("#prop-deadline-days", "Tab")
    page.select_option("#prop-document-kinds", ["guidance_letter"])  # the kinds by their Vietnamese names
    page.click("#deploy-button")
    page.wait_for_selector("#deploy-confirm[open]")
    summary = page.inner_text("#deploy-confirm")
    assert "phiên bản 2" in summary and "phiên bản 1" in summary, "the dialog says which version it makes"
    assert "Quá hạn: báo lãnh đạo" in page.inner_text("#deploy-confirm ul[data-kind='changed']")
    assert "Phân loại, sàng lọc" in page.inner_text("#deploy-confirm ul[data-kind='changed']")
    page.screenshot(path=shots / "designer-deploy-confirm.png", full_page=True)
    page.click("#deploy-confirm-cancel")
    assert page.locator("#deploy-result").is_hidden(), "cancelling deploys nothing"
    assert page.request.get("/designer/processes/report_1374/versions/2/diagram.bpmn").status == 404
    page.click("#deploy-button")
    page.wait_for_selector("#deploy-confirm[open]")
    page.click("#deploy-confirm-ok")
    page.wait_for_selector("#deploy-result[data-version='2']")
    assert "Đã triển khai phiên bản 2" in page.inner_text("#deploy-result")
    assert page.locator(f".djs-connection.lint-error[data-element-id='{DUPLICATE_FLOW}']").count() == 0

    deployed = page.request.get("/designer/processes/report_1374/versions/2/diagram.bpmn").text()
    assert "deadline_in_working_days(verification_days + 5)</bpmn:timeDate>" in deployed
    assert '<spiffworkflow:property name="deadlineDays" value="9"' in deployed
    assert '<spiffworkflow:property name="documentKinds" value="guidance_letter"' in deployed
    assert '<spiffworkflow:property name="formJsonSchemaFilename" value="verify_report.schema.json"' in deployed
    assert re.search(r'<spiffworkflow:property name="timerRole" value="escalation"', deployed)
    assert '<spiffworkflow:serviceTaskOperator id="record_case_statistics"' in deployed

    page.click("#deployed-migrations")
    page.check(f"#dry-run tr[data-case='{case_id}'] input[name=case_ids]")
    page.click("#migrate-selected")
    page.wait_for_selector("#migration-progress[data-status='done']")
    assert re.search(r"1/1 hồ sơ: 1 đã chuyển", page.inner_text("#migration-progress"))

    after = _deadline_of_verification(officer, case_id)
    assert re.match(r"\d\d/\d\d/\d{4}", after) and after[:10] != before[:10], (before, after)


def test_edit_a_form_beside_the_diagram_save_it_under_a_new_name_and_keep_the_change_in_a_draft(browser, demo, shots):
    server, _case_id = demo
    page = sign_in(browser, server, "designer1")
    page.goto("/designer/new")
    page.wait_for_selector("#modeler[data-ready='true']")
    assert page.input_value("#prop-process-id") == "new_process"

    page.goto("/designer/edit/report_1374?version=1")
    page.wait_for_selector("#modeler[data-ready='true']")
    page.click(".djs-shape[data-element-id='verify_report']")
    assert page.inner_text("#form-editor-name") == "verify_report.schema.json"
    page.wait_for_selector("#form-preview #form-preview-body[data-valid='true']")
    original = json.loads(page.input_value("#form-schema"))

    page.fill("#form-schema", "{")
    page.wait_for_selector("#form-preview-error")
    assert "JSON không hợp lệ" in page.inner_text("#form-preview-error")
    original["properties"]["field_visit_place"] = {"type": "string", "title": "Nơi xác minh thực địa"}
    page.fill("#form-schema", json.dumps(original, ensure_ascii=False, indent=2))
    page.wait_for_selector("#form-preview #form-preview-body[data-valid='true']")
    assert "Nơi xác minh thực địa" in page.inner_text("#form-preview")
    page.screenshot(path=shots / "designer-form-editor.png", full_page=True)

    page.click("#form-save")
    page.wait_for_selector("#form-save-result[data-saved]")
    assert page.get_attribute("#form-save-result", "data-saved") == "verify_report.v2.schema.json"
    assert page.input_value("#prop-form") == "verify_report.v2.schema.json"

    page.select_option("#prop-lane", "lane_team_lead")
    page.click(f".djs-shape[data-element-id='{DUPLICATE_FLOW}_label']")
    page.check("#prop-default")

    page.click("#save-draft-button")
    page.wait_for_selector("#draft-result[data-draft-id]")
    draft_id = page.get_attribute("#draft-result", "data-draft-id")
    assert page.url.endswith(f"/designer/drafts/{draft_id}")

    draft = etree.fromstring(page.request.get(f"/designer/drafts/{draft_id}/diagram.bpmn").body())
    lanes = {
        ref.text: lane.get("id") for lane in draft.iterfind(".//bpmn:lane", NAMESPACES)
        for ref in lane.iterfind("bpmn:flowNodeRef", NAMESPACES)
    }  # fmt: skip
    assert lanes["verify_report"] == "lane_team_lead"
    gateway = draft.find(".//bpmn:exclusiveGateway[@id='screening_decision']", NAMESPACES)
    assert gateway.get("default") == DUPLICATE_FLOW

    page.goto("/designer")
    page.click(f"#drafts tr[data-draft='{draft_id}'] a")
    page.wait_for_selector("#modeler[data-ready='true']")
    page.click(".djs-shape[data-element-id='verify_report']")
    assert page.input_value("#prop-form") == "verify_report.v2.schema.json"
    page.click("#lint-button")
    page.wait_for_selector("#lint-panel[data-state='done']")
    assert page.locator("#lint-list li.lint-error[data-element-id='verify_report']").count() == 0


def _select_pool(page, participant: str) -> None:
    """Click a pool on its name strip (its middle is covered by lanes)."""
    page.click(f".djs-shape[data-element-id='{participant}']", position={"x": 12, "y": 60})


def _sign_in_designer(browser, server: str):
    """A page signed in as designer1, whose home is the designer (sign_in waits for the inbox)."""
    page = browser.new_context(base_url=server, locale="vi-VN").new_page()
    page.goto("/login")
    page.fill("#username", "designer1")
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/designer$"))
    return page


def test_the_pool_says_who_may_start_the_process_and_the_lint_checks_the_roles(browser, demo):
    server, _case_id = demo
    page = _sign_in_designer(browser, server)
    page.goto("/designer/edit/complaint_second_instance")
    page.wait_for_selector("#modeler[data-ready='true']")
    _select_pool(page, "participant_complaint_second_instance")
    assert page.input_value("#prop-startable-by") == "system"

    page.goto("/designer/edit/report_1374")
    page.wait_for_selector("#modeler[data-ready='true']")
    _select_pool(page, "participant_report_1374")
    assert page.input_value("#prop-startable-by") == ""
    page.fill("#prop-startable-by", "supervisor,  supervisr")
    page.press("#prop-startable-by", "Tab")
    page.click("#lint-button")
    page.wait_for_selector("#lint-panel[data-state='done']")
    assert "startableBy nêu «supervisr»" in page.inner_text("#lint-list li.lint-error[data-element-id='report_1374']")

    page.fill("#prop-startable-by", "supervisor, team_lead")
    page.press("#prop-startable-by", "Tab")
    page.click("#save-draft-button")
    page.wait_for_selector("#draft-result[data-draft-id]")
    draft_id = page.get_attribute("#draft-result", "data-draft-id")
    draft = etree.fromstring(page.request.get(f"/designer/drafts/{draft_id}/diagram.bpmn").body())
    process = draft.find(".//bpmn:process[@id='report_1374']", NAMESPACES)
    properties = {
        p.get("name"): p.get("value")
        for p in process.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NAMESPACES)
    }
    assert properties == {"startableBy": "supervisor, team_lead"}


def test_the_modeler_speaks_vietnamese_in_the_palette_and_the_panel_and_english_with_the_switch(browser, demo):
    server, _case_id = demo
    page = _sign_in_designer(browser, server)
    page.goto("/designer/edit/report_1374?lang=vi")
    page.wait_for_selector("#modeler[data-ready='true']")
    assert page.get_attribute(".djs-palette [data-action='create.task']", "aria-label") == "Thêm bước"
    assert page.get_attribute(".djs-palette [data-action='hand-tool']", "aria-label") == "Công cụ bàn tay (kéo sơ đồ)"
    page.click(".djs-shape[data-element-id='verify_report']")
    panel = page.inner_text("#properties")
    assert "Chung" in panel and "Tên" in panel and "Biểu mẫu" in panel and "Bước của người dùng" in panel
    assert not re.search(r"\b(General|Name|Lane|Form)\b", panel)
    assert page.get_attribute(".djs-context-pad [data-action='delete']", "title") == "Xoá"

    page.goto("/designer/edit/report_1374?lang=en")
    page.wait_for_selector("#modeler[data-ready='true']")
    assert page.get_attribute(".djs-palette [data-action='create.task']", "aria-label") == "Create task"
    page.click(".djs-shape[data-element-id='verify_report']")
    panel = page.inner_text("#properties")
    assert "General" in panel and "Name" in panel and "User task" in panel and "Chung" not in panel
    page.goto("/designer?lang=vi")
