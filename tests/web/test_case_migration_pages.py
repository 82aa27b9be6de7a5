"""Designer pages: the versions list, the coloured diff, the dry-run table and the batch progress page."""

import html
import re

from tests.cases import complete, start_report, walk_to_verification
from tests.migration_fixtures import REMOVED_TASK_V2, deploy_version

OUT_OF_SCOPE = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}


def _two_cases_and_version_2(world) -> tuple[int, int]:
    at_forward = start_report(world)
    complete(world, at_forward, "screen_report", "officer1", OUT_OF_SCOPE)
    at_verification = walk_to_verification(world)
    deploy_version(world, REMOVED_TASK_V2)
    return at_forward, at_verification


def test_versions_page_lists_versions_with_running_cases_and_links(web, world):
    _two_cases_and_version_2(world)

    page = web().login("designer1").get("/designer/processes/report_1374/versions")

    assert page.status_code == 200
    rows = re.findall(r'<tr data-version="(\d)">.*?class="running-cases">(\d+)<', page.text, re.S)
    assert rows == [("2", "0"), ("1", "2")]
    assert 'href="/designer/processes/report_1374/diff?from_version=1&to_version=2"' in page.text.replace("&amp;", "&")
    assert 'href="/designer/processes/report_1374/migrations?to_version=2"' in page.text
    assert 'href="/designer"' in page.text


def test_diff_page_marks_added_removed_and_changed_elements_on_both_diagrams(web, world):
    deploy_version(world, REMOVED_TASK_V2)
    browser = web().login("designer1")

    page = browser.get("/designer/processes/report_1374/diff?from_version=1&to_version=2")
    xml = browser.get("/designer/processes/report_1374/versions/2/diagram.bpmn")

    assert page.status_code == 200 and xml.status_code == 200
    assert 'id="diagram-old"' in page.text and 'id="diagram-new"' in page.text
    old_markers = html.unescape(re.search(r'id="diagram-old".*?data-markers=\'([^\']*)\'', page.text, re.S).group(1))
    assert '"removed": ["forward_or_archive"' in old_markers and "verification_escalation" in old_markers
    assert 'class="diff-removed" data-element="forward_or_archive"' in page.text
    assert "deadline_in_working_days(verification_days + 5)" in page.text


def test_migration_page_dry_run_then_migrate_selected_and_see_the_progress(web, world):
    at_forward, at_verification = _two_cases_and_version_2(world)
    browser = web().login("designer1")

    page = browser.get("/designer/processes/report_1374/migrations?to_version=2")
    assert page.status_code == 200
    refusal = "Bước hiện tại «Chuyển hoặc lưu đơn» không còn trong phiên bản 2"
    assert re.search(rf'<tr data-case="{at_forward}" class="cannot-move">[^€]*?<li>{refusal}</li>', page.text)
    english = browser.get("/designer/processes/report_1374/migrations?to_version=2&lang=en").text
    assert "Its current step &#39;Chuyển hoặc lưu đơn&#39; (forward_or_archive) does not exist in version 2" in english
    browser.get("/designer?lang=vi")
    assert re.search(rf'<tr data-case="{at_verification}" class="can-move">', page.text)
    assert re.search(rf'name="case_ids" value="{at_forward}"[^>]*disabled', page.text)

    started = browser.post_form(
        "/designer/processes/report_1374/migrations",
        {"to_version": "2", "scope": "selected", "case_ids": [str(at_verification), str(at_forward)]},
        csrf_from="/designer/processes/report_1374/migrations?to_version=2",
    )

    assert started.status_code == 303
    progress = browser.get(started.headers["location"])
    assert progress.status_code == 200
    assert 'data-status="done"' in progress.text and 'value="2"' in progress.text
    failures = rf'id="migration-failures".*?data-case="{at_forward}".*?«Chuyển hoặc lưu đơn» không còn trong phiên bản'
    assert re.search(failures, progress.text, re.S)
    fragment = browser.get(started.headers["location"] + "/progress")
    assert fragment.status_code == 200 and "hx-trigger" not in fragment.text


def test_migrate_all_that_can_move_from_the_page(web, world):
    at_forward, at_verification = _two_cases_and_version_2(world)
    browser = web().login("designer1")

    started = browser.post_form(
        "/designer/processes/report_1374/migrations", {"to_version": "2", "scope": "all"},
        csrf_from="/designer/processes/report_1374/migrations?to_version=2",
    )  # fmt: skip

    progress = browser.get(started.headers["location"])
    assert "1/1" in progress.text or "1 of 1" in progress.text
    assert browser.get(f"/cases/{at_verification}").status_code == 403, "designers have no case pages"
    case_page = web().login("officer1").get(f"/cases/{at_verification}")  # the officers of its unit see the move
    assert case_page.status_code == 200
    assert "Chuyển sang phiên bản quy trình khác" in case_page.text


def test_designer_pages_are_for_designers_only(web, world):
    deploy_version(world, REMOVED_TASK_V2)
    browser = web().login("officer1")

    answers = [
        browser.get("/designer/processes/report_1374/versions"),
        browser.get("/designer/processes/report_1374/diff?from_version=1&to_version=2"),
        browser.get("/designer/processes/report_1374/migrations"),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403]
