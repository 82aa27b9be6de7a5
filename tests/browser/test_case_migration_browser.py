"""In a real browser: the coloured diff of two versions, then migrating the demo cases with the progress bar."""

import re

import pytest

from engine.processes.deployment import deploy_bpmn
from tests.browser_support import demo_database_url, sign_in
from tests.migration_fixtures import DEADLINE_V2, MIGRATION_FIXTURES
from tests.processes import api_server


def _deploy_version_2(session, services) -> None:
    content = (MIGRATION_FIXTURES / DEADLINE_V2).read_bytes()
    deploy_bpmn(session, content=content, filename="report_1374.bpmn", forms=services.forms, deployed_by="designer1")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo data, with version 2 of the 1374 process deployed next to version 1."""
    url = demo_database_url(tmp_path_factory.mktemp("migration-browser"), then=_deploy_version_2)
    with api_server(url, "browser-test-secret") as base:
        yield base


def test_diff_colours_the_changed_timer_then_all_running_cases_migrate(browser, server, tmp_path):
    page = sign_in(browser, server, "designer1")
    page.goto("/designer/processes/report_1374/versions")
    assert page.locator("tr[data-version='1'] .running-cases").inner_text() == "4"

    page.click("tr[data-version='2'] >> text=So sánh với bản trước")
    page.wait_for_selector("#diagram-old[data-ready='true']")
    page.wait_for_selector("#diagram-new[data-ready='true']")
    assert page.locator("#diagram-new .djs-element.step-changed").count() == 1
    assert page.locator("#diagram-new [data-element-id='verification_escalation'].step-changed").count() == 1
    page.screenshot(path=str(tmp_path / "diff.png"), full_page=True)

    page.click("text=Chuyển hồ sơ sang bản này (v2)")
    assert page.locator("#dry-run tr.can-move").count() == 4
    page.click("#migrate-all")
    page.wait_for_selector("#migration-progress[data-status='done']")
    assert re.search(r"4/4 hồ sơ: 4 đã chuyển, 0 không chuyển được", page.inner_text("#migration-progress"))

    page.goto("/designer/processes/report_1374/versions")
    assert page.locator("tr[data-version='2'] .running-cases").inner_text() == "4"
    assert page.locator("tr[data-version='1'] .running-cases").inner_text() == "0"
