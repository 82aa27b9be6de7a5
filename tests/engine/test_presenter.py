"""The presenter: case data shown through its forms (titles, enum titles, Có/Không, dates, zones, people)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine.core.db import transaction
from engine.presentation.case_view import case_presenter, every_schema
from engine.presentation.diagram import named_lanes
from engine.presentation.labels import process_names, role_label, roles_label, step_name
from engine.presentation.values import Presenter, vietnamese_number
from engine.processes.deployment import latest_definition
from tests.cases import CONCLUDE, assign_data, complete, start_report, walk_to_verification

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
SCHEMA = {
    "properties": {
        "violation": {"title": "Có vi phạm", "type": "boolean"},
        "party_sanction": {
            "title": "Hình thức kỷ luật Đảng",
            "enum": ["none", "reprimand"],
            "x-enum-titles": ["Không kỷ luật", "Khiển trách"],
        },
        "decided_on": {"title": "Ngày quyết định", "type": "string", "format": "date"},
        "subject": {
            "title": "Đối tượng",
            "type": "object",
            "properties": {"name": {"title": "Họ tên"}, "position": {"title": "Chức vụ"}},
        },
        "channels": {
            "title": "Hình thức công khai",
            "type": "array",
            "items": {"enum": ["writing", "portal"], "x-enum-titles": ["Bằng văn bản", "Trên cổng thông tin"]},
        },
        "verifying_officer": {"title": "Cán bộ xác minh", "type": "string", "x-widget": "user"},
    }
}


def shown(presenter: Presenter, data: dict) -> dict:
    return {
        f.label: (f.text if not f.is_group else {c.label: c.text for c in f.children}) for f in presenter.present(data)
    }


def test_values_read_as_a_person_reads_them_in_form_order():
    presenter = Presenter([SCHEMA], zone=ZONE, people={"officer1": "Nguyễn Văn An"})
    data = {
        "verification_deadline": "2027-01-14T15:09:39.995150+00:00",
        "party_sanction": "reprimand",
        "violation": True,
        "decided_on": "2027-01-14",
        "subject": {"position": "Cán bộ địa chính", "name": "Nguyễn Văn X"},
        "channels": ["writing", "portal"],
        "verifying_officer": "officer1",
        "statistics_record": {"hidden": True},
    }
    fields = presenter.present(data)
    assert [f.key for f in fields] == [
        "violation", "party_sanction", "decided_on", "subject", "channels", "verifying_officer",
        "verification_deadline",
    ]  # fmt: skip
    assert shown(presenter, data) == {
        "Có vi phạm": "Có",
        "Hình thức kỷ luật Đảng": "Khiển trách",
        "Ngày quyết định": "14/01/2027",
        "Đối tượng": {"Họ tên": "Nguyễn Văn X", "Chức vụ": "Cán bộ địa chính"},
        "Hình thức công khai": "Bằng văn bản, Trên cổng thông tin",
        "Cán bộ xác minh": "Nguyễn Văn An",
        "Hạn xác minh": "14/01/2027 22:09",
    }
    assert next(f for f in fields if f.key == "verifying_officer").hover == "officer1"


def test_english_says_yes_and_no_and_fields_no_form_names_fall_back_to_words_and_known_codes():
    presenter = Presenter([SCHEMA], zone=ZONE, lang="en", known_codes=[SCHEMA])
    found = shown(presenter, {"violation": False, "odd_flag": True, "outcome": "reprimand", "moment": datetime(
        2027, 1, 14, 1, 0, tzinfo=UTC)})  # fmt: skip
    assert found == {"Có vi phạm": "No", "Odd flag": "Yes", "Outcome": "Khiển trách", "Moment": "14/01/2027 08:00"}


def test_numbers_are_written_the_vietnamese_way():
    assert vietnamese_number(1234567) == "1.234.567"
    assert vietnamese_number(20.0) == "20"
    assert vietnamese_number(1234.5) == "1.234,5"
    assert vietnamese_number(1234.5, "en") == "1,234.5"


def test_lists_of_objects_are_shown_item_by_item():
    presenter = Presenter([], zone=ZONE)
    [field] = presenter.present({"extension_decisions": [{"number": "1/QĐ", "days": 30}]})
    assert field.label == "Các quyết định gia hạn" and field.children[0].label == "1"
    assert field.children[0].inline() == "Days: 30; Number: 1/QĐ", "fields no form names: sorted by label"


def test_a_data_diff_is_shown_with_field_titles_and_human_values():
    presenter = Presenter([SCHEMA], zone=ZONE, people={"officer1": "Nguyễn Văn An"})
    changes = presenter.changes(
        {"party_sanction": {"old": None, "new": "reprimand"}, "verifying_officer": {"old": None, "new": "officer1"}}
    )
    assert [(c.label, c.old, c.new, c.new_hover) for c in changes] == [
        ("Hình thức kỷ luật Đảng", "—", "Khiển trách", None),
        ("Cán bộ xác minh", "—", "Nguyễn Văn An", "officer1"),
    ]


def test_a_case_is_shown_through_the_forms_of_its_process(world):
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", {"findings": "Có cơ sở"})
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    with transaction(world.factory) as session:
        definition = latest_definition(session, "report_1374")
        presenter = case_presenter(session, world.services.forms, definition, zone=ZONE)
        from engine.cases.runtime import CaseRuntime
        from engine.core.models import Case

        data = CaseRuntime(session, world.services).current_data(session.get(Case, case_id))
        texts = {f.key: f.inline() for f in presenter.present(data)}
    assert texts["screening"] == "Thuộc phạm vi xử lý"
    assert texts["verification_day_type"] == "Ngày làm việc"
    assert texts["verifying_officer"] == "Nguyễn Văn An"
    assert texts["violation"] == "Có" and texts["party_sanction"] == "Khiển trách"
    assert "T" not in texts["verification_deadline"] and texts["verification_deadline"].count("/") == 2
    every_code = {c for s in every_schema(world.services.forms) for c in _codes(s)}
    assert not {text for text in texts.values() if text in every_code}, "no raw enum code is shown"


def _codes(node):
    if isinstance(node, dict):
        yield from (v for v in node.get("enum", []) if isinstance(v, str))
        for child in node.values():
            yield from _codes(child)
    elif isinstance(node, list):
        for child in node:
            yield from _codes(child)


def test_labels_name_roles_processes_and_steps_from_the_bpmn(world):
    start_report(world)
    assert role_label("team_lead") == "Tổ trưởng" and role_label("officer", "en") == "Officer"
    assert roles_label(["officer", "supervisor"]) == "Cán bộ, Lãnh đạo"
    with transaction(world.factory) as session:
        names = process_names(session)
        definition = latest_definition(session, "report_1374")
        assert names["report_1374"] == definition.name and names["report_1374"] != "report_1374"
        assert step_name(definition.catalog, "screen_report") == "Phân loại, sàng lọc"
        assert step_name(definition.catalog, "no_such_step") is None
        lanes = named_lanes(definition.content)
    assert 'name="Tổ trưởng"' in lanes and 'name="team_lead"' not in lanes


def test_a_person_field_accepts_only_eligible_people_of_the_case_unit(world):
    import pytest

    from engine.core.errors import InvalidFormData

    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", {"screening": "in_scope"})
    for wrong in ("lead1", "officer_d2"):
        with pytest.raises(InvalidFormData) as refused:
            complete(world, case_id, "assign_verification", "lead1", {**assign_data(), "verifying_officer": wrong})
        assert refused.value.errors[0].field == "verifying_officer"
    complete(world, case_id, "assign_verification", "lead1", assign_data())
    assert world.ready_task(case_id, "verify_report").assignee == "officer1"
