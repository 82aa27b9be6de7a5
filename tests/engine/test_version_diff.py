"""The element-level diff of two BPMN versions: added, removed and changed elements, with what changed."""

from pathlib import Path

import pytest

from engine.core.errors import BadRequest
from engine.core.settings import PROJECT_ROOT
from engine.processes.diff import diff_versions
from tests.migration_fixtures import DEADLINE_V2, MIGRATION_FIXTURES, REMOVED_TASK_V2, REQUIRED_FIELD_V2

V1 = (PROJECT_ROOT / "processes" / "report_1374.bpmn").read_text(encoding="utf-8")


def _fixture(name: str) -> str:
    return Path(MIGRATION_FIXTURES / name).read_text(encoding="utf-8")


def test_identical_versions_have_no_difference():
    diff = diff_versions(V1, V1)
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])


def test_a_changed_timer_expression_is_the_only_change():
    diff = diff_versions(V1, _fixture(DEADLINE_V2))

    assert (diff.added, diff.removed) == ([], [])
    (changed,) = diff.changed
    assert (changed.id, changed.type) == ("verification_escalation", "boundaryEvent")
    assert changed.name == "Quá hạn: báo lãnh đạo"
    assert changed.changes == ("timer: 'verification_deadline' → 'deadline_in_working_days(verification_days + 5)'",)


def test_a_removed_task_takes_its_flow_and_rewires_its_neighbours():
    diff = diff_versions(V1, _fixture(REMOVED_TASK_V2))

    assert {(e.id, e.type) for e in diff.removed} == {
        ("forward_or_archive", "userTask"), ("flow_forward_or_archive_to_closed_out_of_scope", "sequenceFlow"),
    }  # fmt: skip
    changed = {e.id: e.changes for e in diff.changed}
    assert changed["flow_screening_decision_to_forward_or_archive"] == (
        "target: 'forward_or_archive' → 'closed_out_of_scope'",
    )
    assert changed["closed_out_of_scope"] == (
        "incoming: flow_forward_or_archive_to_closed_out_of_scope → flow_screening_decision_to_forward_or_archive",
    )
    assert "verification_escalation" in changed


def test_a_changed_form_is_named_and_added_elements_are_listed():
    renamed = V1.replace('name="Xác minh"', 'name="Xác minh thông tin"').replace(
        '<bpmn:endEvent id="reminder_done" name="Đã nhắc hạn">',
        '<bpmn:endEvent id="reminder_done" name="Đã nhắc hạn">\n      <bpmn:documentation>x</bpmn:documentation>',
    )
    added = _fixture(REQUIRED_FIELD_V2).replace(
        "</bpmn:process>",
        '<bpmn:task id="extra_check" name="Kiểm tra thêm" /></bpmn:process>',
    )

    form_diff = diff_versions(V1, added)
    name_diff = diff_versions(V1, renamed)

    assert [(e.id, e.type, e.name) for e in form_diff.added] == [("extra_check", "task", "Kiểm tra thêm")]
    (form_change,) = form_diff.changed
    assert form_change.changes == ("form: 'assign_verification.schema.json' → 'assign_verification_v2.schema.json'",)
    (name_change,) = name_diff.changed
    assert (name_change.id, name_change.changes) == ("verify_report", ("name: 'Xác minh' → 'Xác minh thông tin'",))


def test_unreadable_xml_is_a_bad_request():
    with pytest.raises(BadRequest):
        diff_versions(V1, "<not-bpmn")
