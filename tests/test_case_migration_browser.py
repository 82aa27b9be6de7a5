"""In a real browser: the coloured diff of two versions, then migrating the demo cases with the progress bar."""

import re

import pytest

from engine.db import make_engine, make_session_factory
from engine.demo import load_demo
from engine.deployment import deploy_bpmn, deploy_path
from engine.migrate import upgrade_to_head
from engine.services import build_services
from engine.settings import PROJECT_ROOT, Settings
from tests.migration_fixtures import DEADLINE_V2, MIGRATION_FIXTURES
from tests.processes import api_server
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, playwright_api, sign_in


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The demo data, with version 2 of the 1374 process deployed next to version 1."""
    url = f"sqlite:///{tmp_path_factory.mktemp('migration-browser') / 'demo.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    services = build_services(Settings(database_url=url))
    factory = make_session_factory(engine)
    with factory() as session:
        deploy_path(session, PROJECT_ROOT / "processes", forms=services.forms)
        session.commit()
    load_demo(factory, services)
    with factory() as session:
        content = (MIGRATION_FIXTURES / DEADLINE_V2).read_bytes()
        filename, forms = "report_1374.bpmn", services.forms
        deploy_bpmn(session, content=content, filename=filename, forms=forms, deployed_by="designer1")
        session.commit()
    engine.dispose()
    with api_server(url, "browser-test-secret") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
