"""Who may start a process (its ``startableBy`` property): system-only processes refuse every staff member over
REST and on the pages, the system still starts them, and a process can name the roles that start it."""

import pytest
from sqlalchemy import func, select

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.errors import Forbidden
from engine.core.models import Case
from engine.processes.deployment import deploy_bpmn, latest_definition
from engine.processes.starters import DEFAULT_STARTERS
from tests import complaints as k
from tests.factories import INTAKE, PROCESSES

SYSTEM_ONLY = ("complaint_second_instance", "periodic_report")
STAFF = ("officer1", "lead1", "supervisor1")


def count_cases(world, process_key: str) -> int:
    with world.factory() as session:
        return session.scalar(select(func.count()).select_from(Case).where(Case.process_key == process_key))


@pytest.mark.parametrize("process_key", SYSTEM_ONLY)
@pytest.mark.parametrize("username", STAFF)
def test_staff_cannot_start_a_system_only_process_over_rest(api, world, username, process_key):
    data = k.petition(kind="complaint") if process_key == "complaint_second_instance" else {}

    refused = api.post("/api/cases", username, json={"process": process_key, "data": data})

    assert refused.status_code == 403, refused.text
    detail = refused.json()["detail"]
    assert f"process '{process_key}'" in detail and "only by the system" in detail, detail
    assert count_cases(world, process_key) == 0


def test_the_refusal_comes_before_the_intake_data_is_checked(api, world):
    refused = api.post("/api/cases", "officer1", json={"process": "complaint_second_instance", "data": {}})

    assert refused.status_code == 403, "a staff member learns nothing about the system's intake form"
    assert count_cases(world, "complaint_second_instance") == 0


def test_the_catalog_says_who_starts_each_process(world):
    with world.factory() as session:
        catalogs = {key: latest_definition(session, key).catalog for key in (*SYSTEM_ONLY, "report_1374")}

    assert catalogs["complaint_second_instance"]["startable_by"] == ["system"]
    assert catalogs["periodic_report"]["startable_by"] == ["system"]
    assert catalogs["report_1374"]["startable_by"] == list(DEFAULT_STARTERS)


def test_the_process_list_tells_the_caller_which_processes_they_may_start(api):
    listed = {p["key"]: p for p in api.get("/api/processes", "officer1").json()}
    for_designer = {p["key"]: p for p in api.get("/api/processes", "designer1").json()}

    assert {key for key, p in listed.items() if p["may_start"]} == {
        "report_1374", "petition_triage", "complaint", "denunciation",
    }  # fmt: skip
    assert listed["periodic_report"]["startable_by"] == [] and listed["periodic_report"]["may_start"] is False
    assert listed["report_1374"]["startable_by"] == sorted(DEFAULT_STARTERS)
    assert not any(p["may_start"] for p in for_designer.values()), "designers register no cases"


def test_staff_still_start_reports_complaints_and_denunciations(api):
    report = api.post("/api/cases", "officer1", json={"process": "report_1374", "data": INTAKE})
    complaint = api.post(
        "/api/cases", "supervisor1", json={"process": "complaint", "data": k.petition(kind="complaint")}
    )

    assert (report.status_code, complaint.status_code) == (201, 201), (report.text, complaint.text)


def test_the_register_case_page_offers_no_system_only_process(web):
    browser = web().login("officer1")

    page = browser.get("/cases/new")

    assert page.status_code == 200, page.text
    assert not any(key in page.text for key in SYSTEM_ONLY)


def test_the_system_still_starts_them(world):
    with transaction(world.factory) as session:
        definition = latest_definition(session, "periodic_report")
        case = CaseRuntime(session, world.services).start_scheduled_case(definition, unit_id=world.units["city"])
        assert case.created_by == "system"


def _report_1374_startable_by(world, value: str) -> None:
    """Deploy report_1374 again with ``startableBy`` on its process (it has no documentation before its lanes)."""
    content = (PROCESSES / "report_1374.bpmn").read_text(encoding="utf-8")
    lanes = '<bpmn:laneSet id="laneset_report_1374">'
    extension = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="startableBy" value="{value}" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )
    with transaction(world.factory) as session:
        deploy_bpmn(
            session, content=content.replace(lanes, extension + lanes, 1).encode(), filename="report_1374.bpmn",
            forms=world.services.forms,
        )  # fmt: skip


def test_a_process_can_name_the_roles_that_start_it(world, api):
    _report_1374_startable_by(world, "supervisor")

    officer = api.post("/api/cases", "officer1", json={"process": "report_1374", "data": INTAKE})
    supervisor = api.post("/api/cases", "supervisor1", json={"process": "report_1374", "data": INTAKE})

    assert officer.status_code == 403, officer.text
    assert officer.json()["detail"] == (
        "User 'officer1' may not start this process: process 'report_1374' may be started by the roles supervisor "
        "(has officer)"
    )
    assert supervisor.status_code == 201, supervisor.text
    with world.factory() as session:
        with pytest.raises(Forbidden):
            CaseRuntime(session, world.services).start_case(
                world.actor("lead1"), process_key="report_1374", data=INTAKE
            )


def test_the_register_case_page_follows_the_process_starters(world, web):
    _report_1374_startable_by(world, "supervisor")

    officer = web().login("officer1").get("/cases/new")
    supervisor = web().login("supervisor1").get("/cases/new")

    assert officer.status_code == 403 and "report_1374" in officer.text
    assert supervisor.status_code == 200, supervisor.text
