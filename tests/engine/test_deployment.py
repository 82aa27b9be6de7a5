"""Deployment: numbered versions, no new version for unchanged content, and every check names its element."""

import pytest
from sqlalchemy import func, select

from engine.core.db import transaction
from engine.core.errors import BadRequest, DeploymentRejected
from engine.core.models import ProcessDefinition
from engine.processes.deployment import deploy_bpmn, latest_definition
from tests.factories import FIXTURES, PROCESSES

REPORT_1374 = (PROCESSES / "report_1374.bpmn").read_bytes()


def deploy(world, content: bytes, filename: str = "test.bpmn"):
    with transaction(world.factory) as session:
        return deploy_bpmn(session, content=content, filename=filename, forms=world.services.forms)


def refused(world, content: bytes) -> DeploymentRejected:
    with pytest.raises(DeploymentRejected) as caught:
        deploy(world, content)
    return caught.value


def test_redeploying_unchanged_content_creates_no_new_version(world):
    result = deploy(world, REPORT_1374, "report_1374.bpmn")
    assert result.created is False and result.definition.version == 1
    with world.factory() as session:
        versions = select(func.count()).where(ProcessDefinition.key == "report_1374")
        assert session.scalar(versions) == 1


def test_changed_content_becomes_the_next_version_and_old_cases_keep_theirs(world):
    changed = REPORT_1374.replace(b"rework_round = 0", b"rework_round = 0\nchanged = True")
    result = deploy(world, changed, "report_1374.bpmn")
    assert result.created is True and result.definition.version == 2
    with world.factory() as session:
        assert latest_definition(session, "report_1374").version == 2
        versions = session.scalars(select(ProcessDefinition.version).where(ProcessDefinition.key == "report_1374"))
        assert sorted(versions) == [1, 2]


def test_a_broken_condition_is_refused_with_its_element_id(world):
    error = refused(world, (FIXTURES / "broken_condition.bpmn").read_bytes())
    assert [p.element_id for p in error.problems] == ["flow_broken"]
    assert "condition expression" in error.problems[0].message
    assert "flow_broken" in error.message


def test_a_broken_script_is_refused_with_its_element_id(world):
    broken = REPORT_1374.replace(b"rework_round = 0", b"rework_round = = 0")
    error = refused(world, broken)
    assert error.problems[0].element_id == "register_report"
    assert "syntax error" in error.problems[0].message


def test_imports_and_dunder_access_in_scripts_are_refused(world):
    error = refused(world, REPORT_1374.replace(b"rework_round = 0", b"import os"))
    assert error.problems[0].element_id == "register_report" and "Import" in error.problems[0].message
    error = refused(world, REPORT_1374.replace(b"rework_round = 0", b"x = ().__class__"))
    assert "__class__" in error.problems[0].message


def test_a_broken_timer_expression_is_refused_with_its_element_id(world):
    broken = REPORT_1374.replace(b">verification_reminder_at<", b">verification_reminder_at +<")
    error = refused(world, broken)
    assert error.problems[0].element_id == "verification_reminder"


def test_a_missing_form_is_refused_with_the_task_id(world):
    error = refused(world, REPORT_1374.replace(b'value="verify_report.schema.json"', b'value="nowhere.schema.json"'))
    assert error.problems[0].element_id == "verify_report"
    assert "nowhere.schema.json" in error.problems[0].message


def test_xml_with_entities_is_refused_before_anything_is_resolved(world):
    evil = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&xxe;</bpmn:definitions>"""
    error = refused(world, evil)
    assert "entities" in error.problems[0].message


def test_malformed_xml_is_refused_with_its_line(world):
    error = refused(world, b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>\n<oops>")
    assert "well-formed" in error.problems[0].message and error.problems[0].line is not None


def test_a_file_that_breaks_the_bpmn_schema_is_refused(world):
    invalid = REPORT_1374.replace(b'<bpmn:userTask id="screen_report"', b'<bpmn:userTask bogus="1" id="screen_report"')
    error = refused(world, invalid)
    assert error.problems[0].element_id == "screen_report"
    assert "BPMN schema" in error.problems[0].message


def test_oversized_uploads_are_refused(world):
    with transaction(world.factory) as session, pytest.raises(BadRequest, match="limit"):
        deploy_bpmn(session, content=b"x" * 101, filename="big.bpmn", forms=world.services.forms, max_bytes=100)


def test_parsed_specs_are_cached_per_key_and_version(world):
    with world.factory() as session:
        definition = latest_definition(session, "report_1374")
        first = world.services.specs.get(session, definition.id)
        assert world.services.specs.get(session, definition.id) is first
        assert (first.key, first.version) == ("report_1374", 1)


def test_designers_deploy_over_the_api_and_officers_cannot(api):
    broken = (FIXTURES / "broken_condition.bpmn").read_bytes()
    files = {"file": ("broken.bpmn", broken, "application/xml")}
    assert api.post("/api/processes", "officer1", files=files).status_code == 403
    response = api.post("/api/processes", "designer1", files=files)
    assert response.status_code == 422
    assert response.json()["problems"][0]["element_id"] == "flow_broken"
    same = api.post("/api/processes", "designer1", files={"file": ("report_1374.bpmn", REPORT_1374)})
    assert same.status_code == 201
    assert same.json() == {"key": "report_1374", "version": 1, "created": False, "warnings": []}
