"""Specification of task forms on web pages: the JSON Schema in forms/ drives the HTML widgets and the parsing.

The pages render a form with ``form_fields`` and the ``render_fields`` macro of ``_form.html``, and turn the posted
HTML form back into JSON with ``parse_submission``; the server's validator stays the only judge of validity.
"""

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from jsonschema import Draft202012Validator, FormatChecker
from starlette.datastructures import FormData

from api.web.form_render import (
    FieldView,
    errors_by_field,
    form_fields,
    parse_submission,
    unplaced_errors,
)
from engine.core.errors import FieldError
from engine.processes.forms import FormCatalog

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
TEMPLATES = ROOT / "api" / "web" / "templates"
FORM_NAMES = sorted(path.name.removesuffix(".schema.json") for path in FORMS.glob("*.schema.json"))

VALID_DATA = {
    "accept_complaint": {
        "accepted": True,
        "accepted_on": "2027-02-02",
        "complex": True,
        "complexity_reason": "Nhiều hộ dân liên quan.",
    },
    "check_denunciation": {
        "denunciation_kind": "official_duty",
        "denouncer_identified": True,
        "grounds_stated": True,
        "within_jurisdiction": True,
        "not_resolved_before": False,
        "open_check": False,
        "reason": "Đã giải quyết năm 2025.",
    },
    "check_denunciation_content": {"findings": "Có dấu hiệu vi phạm.", "check_outcome": "refer_for_handling"},
    "conclude_denunciation": {
        "conclusion_result": "partly_true",
        "conclusion": "Tố cáo đúng một phần.",
        "violation": True,
        "party_sanction": "reminder",
        "state_sanction": "reprimand",
        "recommendation": "Kiểm điểm.",
    },
    "decide_complaint": {
        "decision_number": "45/QĐ-UBND",
        "decided_on": "2027-02-25",
        "decision_result": "partly_correct",
        "summary": "Điều chỉnh mức bồi thường.",
    },
    "extend_denunciation_deadline": {
        "extension_decision_number": "1/QĐ-GH",
        "extension_decided_on": "2027-03-01",
        "complexity": "very_complex",
        "extension_reason": "Cần xác minh tại nhiều nơi.",
    },
    "hold_dialogue": {"dialogue_on": "2027-02-20", "participants_count": 5, "minutes_summary": "Các bên trình bày."},
    "notify_denunciation_acceptance": {
        "acceptance_decision_number": "12/QĐ-UBND",
        "accepted_on": "2027-02-03",
        "notified_on": "2027-02-05",
        "notified_parties": ["denouncer", "accused"],
    },
    "record_second_instance_request": {"requested_on": "2027-03-10", "request_reason": "Không đồng ý."},
    "verify_complaint": {"findings": "Đúng một phần.", "evidence": "Biên bản."},
    "verify_denunciation": {"findings": "Có biên nhận.", "next_step": "conclude"},
    "approve_conclusion": {"decision": "send_back", "comment": "Cần làm rõ thêm chứng cứ.\nBổ sung biên bản."},
    "assign_verification": {
        "verifying_officer": "can_bo_1",
        "verification_days": 30,
        "verification_day_type": "working",
        "instructions": "Xác minh tại đơn vị.",
    },
    "conclude_verification": {
        "violation": True,
        "party_sanction": "reprimand",
        "state_sanction": "warning",
        "conclusion": "Có vi phạm trong quản lý đất đai.",
    },
    "follow_up_overdue_verification": {"instruction": "Khẩn trương hoàn thành.", "new_deadline_note": "Thêm 10 ngày"},
    "forward_or_archive": {"disposition": "forward", "reason": "Không thuộc thẩm quyền.", "forward_to": "UBND quận 1"},
    "publicize_result": {"channels": ["writing", "portal"], "published_on": "2025-03-01", "summary": "Đã xử lý."},
    "receive_report": {
        "source": "press",
        "behaviour_group": "anti_corruption",
        "field": "land",
        "title": "Cấp đất sai quy định",
        "description": "Ông A cấp đất trái phép.\n\nCó nhiều người biết.",
        "subject": {"name": "Nguyễn Văn A", "position": "Chủ tịch", "unit": "UBND phường X"},
        "received_on": "2025-01-15",
        "press_article": {"outlet": "Báo Tuổi Trẻ", "published_on": "2025-01-10", "url": "https://tuoitre.vn/a"},
        "reporter": {"name": "Trần Thị B", "email": "b@example.vn", "phone": "0901234567"},
    },
    "screen_report": {"screening": "duplicate", "reason": "Đã tiếp nhận trước đó.", "duplicate_of": "PA-2025-0001"},
    "verify_report": {
        "findings": "Nội dung phản ánh đúng một phần.",
        "evidence": "Biên bản làm việc.",
        "sources_checked": ["Hồ sơ địa chính", "Biên bản họp dân"],
        "recommendation": "Kiểm điểm trách nhiệm.",
    },
    "classify_petition": {"classification": "duplicate", "duplicate_of": 12, "reason": "Trùng đơn trước", "note": "x"},
    "decide_jurisdiction": {"decision": "transfer", "competent_body": "UBND Quận 3", "note": "Chuyển theo thẩm quyền"},
    "record_transfer_reply": {"reply_received_on": "2026-04-01", "reply_summary": "Đã thụ lý giải quyết"},
    "decision_in_force": {
        "title": "Quyết định giải quyết khiếu nại",
        "origin_case": "KN-2026-00001",
        "origin_process": "complaint",
        "decision_number": "12/QĐ-UBND",
        "decided_on": "2026-05-04",
        "decision_result": "partly_correct",
        "violation": True,
        "summary": "Giao hoàn trả tiền thu sai",
    },
    "direct_overdue_follow_up": {"instruction": "Hoàn thành trong tuần", "new_deadline_note": "Báo cáo trước 15/06"},
    "record_follow_up_result": {
        "follow_up_result": "partly_done",
        "checked_on": "2026-06-10",
        "actions_taken": "Đã hoàn trả một phần",
        "remaining": "Còn 2 hộ chưa nhận",
    },
    "follow_up_overdue_triage": {"instruction": "Hoàn thành phân loại trong tuần"},
    "receive_petition": {
        "channel": "post",
        "received_on": "2026-03-01",
        "kind_claimed": "complaint",
        "field": "land",
        "title": "Khiếu nại quyết định thu hồi đất",
        "content": "Nội dung đơn",
        "subject": {"name": "UBND phường"},
        "petitioner": {"name": "Lê Văn A", "email": "a@example.org"},
        "number_of_people": 2,
    },
    "register_visit": {
        "received_on": "2026-03-02",
        "name": "Lê Văn A",
        "relatives": ["Lê Thị B, vợ"],
        "kind_claimed": "denunciation",
        "field": "land",
        "title": "Tố cáo cán bộ",
        "content": "Nội dung",
        "subject_name": "Nguyễn Văn X",
        "number_of_people": 1,
    },
    "register_written_petition": {
        "channel": "forwarded",
        "received_on": "2026-03-02",
        "forwarded_by": "Ban Tiếp công dân",
        "kind_claimed": "proposal",
        "field": "other",
        "title": "Kiến nghị",
        "content": "Nội dung",
        "subject_name": "UBND phường",
        "number_of_people": 1,
    },
}


def OFFICERS(role: str | None) -> list[tuple[str, str]]:  # noqa: N802 - read as a constant list of people
    """The people a person field may name in these tests (the pages ask the case's unit)."""
    return [("can_bo_1", "Cán bộ Một"), ("can_bo_2", "Cán bộ Hai")] if role == "officer" else []


def load_schema(name: str) -> dict:
    return json.loads((FORMS / f"{name}.schema.json").read_text(encoding="utf-8"))


def render(fields: list[FieldView], trim_blocks: bool = False) -> str:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=trim_blocks)
    template = env.from_string('{% from "_form.html" import render_fields %}{{ render_fields(fields) }}')
    return template.render(fields=fields)


def field_named(fields: list[FieldView], name: str) -> FieldView:
    for view in fields:
        if view.name == name:
            return view
        if name.startswith(view.name + "."):
            return field_named(view.children, name)
    raise AssertionError(f"no field {name}")


def validation_errors(name: str, data: dict) -> dict[str, str]:
    return errors_by_field(FormCatalog(FORMS).field_errors(f"{name}.schema.json", data))


class Page(HTMLParser):
    """The form controls, labels and elements with an id of rendered HTML, read as a browser would."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.labels: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self._open: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = {"tag": tag, **{key: "" if value is None else value for key, value in attrs}, "text": ""}
        element["options"] = []
        if tag in ("input", "select", "textarea"):
            self.controls.append(element)
        if tag == "option":
            next(c for c in reversed(self.controls) if c["tag"] == "select")["options"].append(element)
        if tag == "label":
            self.labels.append(element)
        if "id" in element:
            assert element["id"] not in self.by_id, f"duplicate id {element['id']}"
            self.by_id[element["id"]] = element
        if tag != "input":
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()["tag"] != tag:
            pass

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data

    def control(self, name: str, value: str | None = None) -> dict:
        return next(c for c in self.controls if c.get("name") == name and (value is None or c.get("value") == value))

    def submission(self) -> list[tuple[str, str]]:
        """The (name, value) pairs a browser posts for this form (textarea lines sent as CRLF)."""
        posted = []
        for control in self.controls:
            name = control.get("name")
            if control["tag"] == "input" and control.get("type") in ("radio", "checkbox"):
                if "checked" in control:
                    posted.append((name, control["value"]))
            elif control["tag"] == "input":
                posted.append((name, control.get("value", "")))
            elif control["tag"] == "select":
                chosen = [o for o in control["options"] if "selected" in o] or control["options"][:1]
                posted.append((name, chosen[0]["value"]))
            else:
                text = control["text"].removeprefix("\n")  # browsers drop the newline right after <textarea>
                posted.append((name, text.replace("\n", "\r\n")))
        return posted


def as_dict(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Posted pairs as a plain dict: one value as str, repeated names as a list."""
    form: dict[str, str | list[str]] = {}
    for name, value in pairs:
        if name in form:
            previous = form[name]
            form[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            form[name] = value
    return form


# --- rendering ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FORM_NAMES)
def test_every_form_renders_with_a_named_control_for_every_property(name):
    schema = load_schema(name)
    page = Page(render(form_fields(schema)))
    names = {control.get("name") for control in page.controls}
    for key, sub in schema["properties"].items():
        if sub.get("readOnly"):  # set by the system (e.g. a petition's matter): never shown
            assert key not in names
        elif sub.get("type") == "object":
            assert {f"{key}.{child}" for child in sub["properties"]} <= names
        else:
            assert key in names


@pytest.mark.parametrize("name", FORM_NAMES)
def test_every_label_points_to_a_control_and_ids_follow_the_dotted_path(name):
    page = Page(render(form_fields(load_schema(name))))
    control_ids = {control["id"] for control in page.controls}
    assert page.labels and all(label["for"] in control_ids for label in page.labels)
    for control in page.controls:
        expected = "f-" + control["name"].replace(".", "-")
        assert control["id"] == expected or control["id"].startswith(expected + "-")


def test_the_forms_folder_has_the_forms_these_tests_know():
    assert set(FORM_NAMES) == set(VALID_DATA)


def test_fields_get_the_widget_their_schema_calls_for():
    kinds = {
        ("receive_report", "source"): "select",
        ("receive_report", "title"): "text",
        ("receive_report", "description"): "textarea",
        ("receive_report", "subject"): "group",
        ("receive_report", "subject.name"): "text",
        ("receive_report", "received_on"): "date",
        ("receive_report", "press_article.url"): "url",
        ("receive_report", "reporter.email"): "email",
        ("approve_conclusion", "decision"): "radio",
        ("approve_conclusion", "comment"): "textarea",
        ("assign_verification", "verifying_officer"): "person",
        ("assign_verification", "verification_days"): "integer",
        ("assign_verification", "verification_day_type"): "radio",
        ("assign_verification", "instructions"): "textarea",
        ("conclude_verification", "violation"): "boolean",
        ("conclude_verification", "party_sanction"): "select",
        ("screen_report", "screening"): "radio",
        ("screen_report", "duplicate_of"): "text",
        ("publicize_result", "channels"): "checkboxes",
        ("publicize_result", "summary"): "textarea",
        ("verify_report", "sources_checked"): "string_list",
        ("verify_report", "findings"): "textarea",
    }
    found = {(form, name): field_named(form_fields(load_schema(form)), name).kind for form, name in kinds}
    assert found == kinds


def test_a_string_is_a_textarea_when_long_marked_x_widget_or_named_like_long_text():
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "x-widget": "textarea"},
            "note": {"type": "string", "maxLength": 100},
            "name": {"type": "string", "maxLength": 301},
            "remark": {"type": "string"},
        },
    }
    assert [view.kind for view in form_fields(schema)] == ["textarea", "text", "textarea", "text"]


def test_labels_and_required_flags_come_from_the_schema():
    fields = form_fields(load_schema("receive_report"))
    assert field_named(fields, "title").label == "Tiêu đề"
    assert field_named(fields, "subject").required
    assert field_named(fields, "subject.name").required
    assert not field_named(fields, "subject.position").required
    assert not field_named(fields, "reporter").required
    html = render(fields)
    assert 'id="f-title" aria-required="true"' in html
    assert 'name="subject.position" id="f-subject-position" value=""' in html


def test_limits_of_the_schema_become_html_attributes():
    fields = form_fields(load_schema("assign_verification"))
    assert field_named(fields, "verification_days").attrs == {"min": "1", "max": "180", "step": "1"}
    assert field_named(form_fields(load_schema("receive_report")), "title").attrs == {"maxlength": "300"}
    control = Page(render(fields)).control("verification_days")
    assert (control["type"], control["min"], control["max"]) == ("number", "1", "180")


def test_enum_options_are_labelled_with_x_enum_titles_in_order():
    decision = field_named(form_fields(load_schema("approve_conclusion")), "decision")
    assert decision.options == [("approve", "Phê duyệt"), ("send_back", "Trả lại để xác minh thêm")]
    page = Page(render([decision]))
    labels = {label["for"]: label["text"] for label in page.labels}
    assert labels[page.control("decision", "send_back")["id"]] == "Trả lại để xác minh thêm"


def test_select_lists_every_enum_title_after_an_empty_choice_and_keeps_the_chosen_one():
    fields = form_fields(load_schema("receive_report"), {"source": "press"})
    select = Page(render(fields)).control("source")
    assert [o["value"] for o in select["options"]] == ["", "voter", "elected_body", "people", "press", "social_media"]
    assert [o["text"] for o in select["options"] if "selected" in o] == ["Báo chí"]


def test_nested_object_is_a_fieldset_whose_fields_are_named_by_dotted_path():
    fields = form_fields(load_schema("receive_report"), {"subject": {"name": "Nguyễn Văn A"}})
    subject = field_named(fields, "subject")
    assert [child.name for child in subject.children] == ["subject.name", "subject.position", "subject.unit"]
    page = Page(render(fields))
    assert page.by_id["f-subject"]["tag"] == "fieldset"
    assert "Đối tượng bị phản ánh" in page.by_id["f-subject"]["text"]
    assert page.control("subject.name")["id"] == "f-subject-name"
    assert page.control("subject.name")["value"] == "Nguyễn Văn A"


def test_channels_are_checkboxes_and_ticked_ones_stay_ticked():
    fields = form_fields(load_schema("publicize_result"), {"channels": ["media"]})
    assert field_named(fields, "channels").options[1] == ("media", "Trên phương tiện thông tin đại chúng")
    page = Page(render(fields))
    boxes = [c for c in page.controls if c.get("name") == "channels"]
    assert [(box["type"], box["value"], "checked" in box) for box in boxes] == [
        ("checkbox", "writing", False),
        ("checkbox", "media", True),
        ("checkbox", "portal", False),
    ]


def test_sources_checked_is_a_textarea_with_one_item_per_line():
    fields = form_fields(load_schema("verify_report"), {"sources_checked": ["Hồ sơ", "Biên bản"]})
    control = Page(render(fields)).control("sources_checked")
    assert control["tag"] == "textarea"
    assert control["text"].removeprefix("\n") == "Hồ sơ\nBiên bản"
    assert field_named(fields, "sources_checked").help


def test_boolean_is_a_yes_no_pair_with_no_answer_until_chosen():
    schema = load_schema("conclude_verification")
    fresh = Page(render(form_fields(schema)))
    radios = [c for c in fresh.controls if c.get("name") == "violation"]
    assert [(r["type"], r["value"], "checked" in r) for r in radios] == [
        ("radio", "true", False),
        ("radio", "false", False),
    ]
    assert {label["text"] for label in fresh.labels if label["for"] in {r["id"] for r in radios}} == {"Có", "Không"}
    answered = Page(render(form_fields(schema, {"violation": False})))
    assert "checked" in answered.control("violation", "false")
    assert "checked" not in answered.control("violation", "true")


@pytest.mark.parametrize("values", [None, {}])
def test_schema_defaults_fill_a_fresh_form(values):
    page = Page(render(form_fields(load_schema("assign_verification"), values)))
    assert page.control("verification_days")["value"] == "45"
    assert "checked" in page.control("verification_day_type", "calendar")


def test_a_field_cleared_in_a_posted_form_stays_empty_instead_of_showing_its_default():
    schema = load_schema("assign_verification")
    page = Page(render(form_fields(schema, {"verifying_officer": "can_bo_1"}, people=OFFICERS)))
    assert page.control("verification_days")["value"] == ""
    assert dict(page.submission())["verifying_officer"] == "can_bo_1"


# --- parsing --------------------------------------------------------------------------------------------------


def test_verification_days_is_parsed_as_an_integer():
    data = parse_submission(load_schema("assign_verification"), {"verification_days": " 30 "})
    assert data == {"verification_days": 30}


def test_a_number_that_does_not_parse_is_left_as_text_for_the_validator_to_report():
    data = parse_submission(load_schema("assign_verification"), {"verification_days": "abc"})
    assert data["verification_days"] == "abc"
    assert validation_errors("assign_verification", data)["verification_days"].startswith("Sai kiểu dữ liệu")


@pytest.mark.parametrize(("posted", "parsed"), [("true", True), ("false", False), ("maybe", "maybe")])
def test_violation_is_parsed_from_true_or_false(posted, parsed):
    assert parse_submission(load_schema("conclude_verification"), {"violation": posted}) == {"violation": parsed}


def test_ticked_channels_become_a_list():
    schema = load_schema("publicize_result")
    assert parse_submission(schema, {"channels": ["writing", "portal"]}) == {"channels": ["writing", "portal"]}
    assert parse_submission(schema, {"channels": "media"}) == {"channels": ["media"]}


def test_sources_checked_is_split_by_lines_without_blank_items():
    posted = {"sources_checked": "  Hồ sơ địa chính \r\n\r\n  \nBiên bản họp dân\n"}
    data = parse_submission(load_schema("verify_report"), posted)
    assert data == {"sources_checked": ["Hồ sơ địa chính", "Biên bản họp dân"]}


def test_nested_objects_are_rebuilt_from_dotted_names():
    posted = {"subject.name": "Nguyễn Văn A", "subject.unit": "UBND phường X", "press_article.url": "https://a.vn"}
    data = parse_submission(load_schema("receive_report"), posted)
    assert data == {
        "subject": {"name": "Nguyễn Văn A", "unit": "UBND phường X"},
        "press_article": {"url": "https://a.vn"},
    }


def test_empty_fields_and_empty_groups_are_left_out_so_the_validator_reports_required():
    posted = {"title": "", "description": "   ", "subject.name": "", "reporter.name": "", "reporter.email": ""}
    posted |= {"channels": [], "source": ""}
    data = parse_submission(load_schema("receive_report"), posted)
    assert data == {}
    errors = validation_errors("receive_report", data)
    assert {"title", "description", "subject", "source"} <= set(errors)


def test_a_starlette_form_with_repeated_names_is_read_with_getlist():
    posted = FormData([("channels", "writing"), ("channels", "media"), ("published_on", "2025-03-01")])
    data = parse_submission(load_schema("publicize_result"), posted)
    assert data == {"channels": ["writing", "media"], "published_on": "2025-03-01"}


def test_names_outside_the_schema_are_ignored():
    posted = {"csrf_token": "x", "comment": "Đồng ý", "decision.extra": "y"}
    assert parse_submission(load_schema("approve_conclusion"), posted) == {"comment": "Đồng ý"}


@pytest.mark.parametrize(
    "posted",
    [
        {"verification_days": "9" * 5000},
        {"verification_days": "١٢"},
        {"verification_days": ["", "3"]},
        {"verification_days": 30},
        {"verification_day_type": ["working", "calendar"]},
        {"verifying_officer": None},
        {"instructions": ["a", "b"]},
        {"verifying_officer.name": "x"},
    ],
)
def test_bad_input_never_raises(posted):
    data = parse_submission(load_schema("assign_verification"), posted)
    assert isinstance(data, dict)
    validation_errors("assign_verification", data)


@pytest.mark.parametrize("posted", ["nan", "inf", "1e999", "-", "1,5"])
def test_numbers_that_json_cannot_hold_stay_text(posted):
    schema = {"type": "object", "properties": {"amount": {"type": "number"}}}
    assert parse_submission(schema, {"amount": posted}) == {"amount": posted}


def test_decimal_numbers_are_parsed():
    schema = {"type": "object", "properties": {"amount": {"type": "number"}}}
    assert parse_submission(schema, {"amount": "2.5"}) == {"amount": 2.5}
    assert parse_submission(schema, {"amount": "-3"}) == {"amount": -3}


# --- round trip -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("trim_blocks", [False, True], ids=["plain", "trim_blocks"])
@pytest.mark.parametrize("name", FORM_NAMES)
def test_valid_data_survives_rendering_posting_and_parsing(name, trim_blocks):
    schema, data = load_schema(name), VALID_DATA[name]
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)
    posted = Page(render(form_fields(schema, data, people=OFFICERS), trim_blocks)).submission()
    assert parse_submission(schema, as_dict(posted)) == data
    assert parse_submission(schema, FormData(posted)) == data


# --- errors ---------------------------------------------------------------------------------------------------


def test_errors_are_shown_next_to_their_field_and_typed_values_are_kept():
    schema = load_schema("receive_report")
    posted = {"title": "<script>alert(1)</script>", "description": "Nội dung", "subject.name": "", "source": "press"}
    data = parse_submission(schema, posted)
    errors = validation_errors("receive_report", data)
    html = render(form_fields(schema, data, errors))
    page = Page(html)

    assert "<script>alert" not in html
    assert page.control("title")["value"] == "<script>alert(1)</script>"
    assert page.control("description")["text"].strip() == "Nội dung"
    assert [o["value"] for o in page.control("source")["options"] if "selected" in o] == ["press"]
    subject = page.by_id["f-subject"]
    assert "field--error" in subject["class"]
    assert subject["aria-describedby"] == "f-subject-error"
    message = page.by_id["f-subject-error"]
    assert (message["tag"], message["class"], message["role"]) == ("p", "field-error", "alert")
    assert message["text"] == errors["subject"]
    behaviour = page.control("behaviour_group")
    assert behaviour["aria-invalid"] == "true" and behaviour["aria-describedby"] == "f-behaviour_group-error"
    assert page.by_id["f-behaviour_group-error"]["text"] == "Trường bắt buộc chưa được nhập"
    assert "aria-invalid" not in page.control("title")


def test_an_error_inside_a_nested_object_is_shown_on_that_field_only():
    schema = load_schema("receive_report")
    data = parse_submission(schema, {"subject.position": "Chủ tịch", "reporter.email": "không phải email"})
    errors = validation_errors("receive_report", data)
    assert set(errors) >= {"subject.name", "reporter.email"}
    page = Page(render(form_fields(schema, data, errors)))
    assert page.control("subject.name")["aria-invalid"] == "true"
    assert "aria-invalid" not in page.control("subject.position")
    assert page.control("subject.position")["value"] == "Chủ tịch"
    assert page.by_id["f-reporter-email-error"]["text"] == errors["reporter.email"]
    assert "field--error" not in page.by_id["f-subject"]["class"]


def test_an_if_then_rule_is_reported_on_the_field_it_constrains():
    schema = load_schema("conclude_verification")
    posted = {"violation": "false", "party_sanction": "reminder", "state_sanction": "none", "conclusion": "Không"}
    data = parse_submission(schema, posted)
    errors = validation_errors("conclude_verification", data)
    assert set(errors) == {"party_sanction"}
    page = Page(render(form_fields(schema, data, errors)))
    assert page.control("party_sanction")["aria-invalid"] == "true"
    assert "checked" in page.control("violation", "false")
    assert page.by_id["f-party_sanction-error"]["role"] == "alert"


def test_an_error_on_a_list_item_is_shown_on_the_list_field():
    schema = load_schema("publicize_result")
    fields = form_fields(schema, {"channels": ["fax"]}, {"channels.0": "Giá trị không hợp lệ"})
    assert field_named(fields, "channels").error == "Giá trị không hợp lệ"
    page = Page(render(fields))
    assert all(c["aria-invalid"] == "true" for c in page.controls if c.get("name") == "channels")
    assert unplaced_errors(fields, {"channels.0": "Giá trị không hợp lệ"}) == []


def test_a_form_level_error_is_not_attached_to_any_field_but_is_listed_for_the_page():
    schema = load_schema("approve_conclusion")
    errors = {"(form)": "Trường không được phép: extra"}
    fields = form_fields(schema, {}, errors)
    assert all(view.error is None for view in fields)
    assert "field-error" not in render(fields)
    assert unplaced_errors(fields, errors) == ["Trường không được phép: extra"]


def test_errors_by_field_keeps_the_first_message_of_each_field():
    found = errors_by_field(
        [FieldError("reason", "Quá ngắn"), FieldError("reason", "Sai kiểu"), FieldError("subject.name", "Thiếu")]
    )
    assert found == {"reason": "Quá ngắn", "subject.name": "Thiếu"}


def test_a_person_field_is_a_list_of_the_eligible_people_by_name_whose_values_are_usernames():
    field = field_named(form_fields(load_schema("assign_verification"), {}, people=OFFICERS), "verifying_officer")
    assert field.kind == "person" and field.options == [("can_bo_1", "Cán bộ Một"), ("can_bo_2", "Cán bộ Hai")]
    page = Page(render([field]))
    options = page.control("verifying_officer")["options"]
    assert [o.get("value") for o in options] == ["", "can_bo_1", "can_bo_2"]
    assert parse_submission(load_schema("assign_verification"), {"verifying_officer": "can_bo_2"}) == {
        "verifying_officer": "can_bo_2"
    }
