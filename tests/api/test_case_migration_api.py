"""REST API of process versions, diffs and migrations: designers only, clear 4xx answers."""

from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import MigrationBatch, Unit
from engine.people.auth import create_user
from tests.cases import complete, start_report, walk_to_verification
from tests.factories import INTAKE, PASSWORD
from tests.migration_fixtures import DEADLINE_V2, REMOVED_TASK_V2, deploy_version

OUT_OF_SCOPE = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}


def test_versions_list_who_deployed_what_and_the_running_cases(world, api):
    walk_to_verification(world)
    start_report(world)
    deploy_version(world, DEADLINE_V2, deployed_by="designer1")

    response = api.get("/api/processes/report_1374/versions", "designer1")

    assert response.status_code == 200, response.text
    versions = response.json()
    assert [(v["version"], v["running_cases"]) for v in versions] == [(2, 0), (1, 2)]
    assert versions[0]["deployed_by"] == "designer1" and versions[0]["filename"] == "report_1374.bpmn"
    assert set(versions[0]) == {"version", "filename", "deployed_at", "deployed_by", "content_sha256", "running_cases"}


def test_version_xml_and_diff_between_two_versions(world, api):
    deploy_version(world, REMOVED_TASK_V2)

    xml = api.get("/api/processes/report_1374/versions/2/xml", "designer1")
    diff = api.get("/api/processes/report_1374/diff?from_version=1&to_version=2", "designer1")

    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert "forward_or_archive" not in xml.text.split("bpmndi:BPMNDiagram")[0].replace("to_forward_or_archive", "")
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert {"id": "forward_or_archive", "type": "userTask", "name": "Chuyển hoặc lưu đơn"} in body["removed"]
    changed = {element["id"]: element["changes"] for element in body["changed"]}
    assert changed["verification_escalation"] == [
        "timer: 'verification_deadline' → 'deadline_in_working_days(verification_days + 5)'"
    ]
    assert "closed_out_of_scope" in changed


def test_dry_run_then_migrate_all_that_can_move_and_poll_the_batch(world, api):
    at_forward = start_report(world)
    complete(world, at_forward, "screen_report", "officer1", OUT_OF_SCOPE)
    at_verification = walk_to_verification(world)
    deploy_version(world, REMOVED_TASK_V2)

    dry = api.post("/api/processes/report_1374/migrations/dry-run", "designer1", json={"to_version": 2})
    started = api.post("/api/processes/report_1374/migrations", "designer1", json={"to_version": 2})

    assert dry.status_code == 200, dry.text
    by_case = {c["case_id"]: c for c in dry.json()["cases"]}
    assert by_case[at_verification]["can_move"] is True and by_case[at_verification]["from_version"] == 1
    assert by_case[at_forward]["can_move"] is False and "forward_or_archive" in by_case[at_forward]["reasons"][0]
    assert started.status_code == 202, started.text
    batch = api.get(f"/api/migrations/{started.json()['batch_id']}", "designer1").json()
    assert (batch["status"], batch["total"], batch["done"], batch["moved"], batch["failed"]) == ("done", 1, 1, 1, 0)
    assert batch["items"] == [
        {"case_id": at_verification, "tracking_code": by_case[at_verification]["tracking_code"], "status": "moved",
         "reason": None}
    ]  # fmt: skip


def test_a_selected_case_that_cannot_move_is_reported_with_its_reason(world, api):
    at_forward = start_report(world)
    complete(world, at_forward, "screen_report", "officer1", OUT_OF_SCOPE)
    deploy_version(world, REMOVED_TASK_V2)

    started = api.post(
        "/api/processes/report_1374/migrations", "designer1", json={"to_version": 2, "case_ids": [at_forward]}
    )

    batch = api.get(f"/api/migrations/{started.json()['batch_id']}", "designer1").json()
    (item,) = batch["items"]
    assert (batch["moved"], batch["failed"], item["status"]) == (0, 1, "failed")
    assert "forward_or_archive" in item["reason"]
    case = api.get(f"/api/cases/{at_forward}", "officer1").json()
    assert case["process_version"] == 1


def test_officers_may_not_see_versions_or_migrate(world, api):
    deploy_version(world, DEADLINE_V2)

    answers = [
        api.get("/api/processes/report_1374/versions", "officer1"),
        api.get("/api/processes/report_1374/diff?from_version=1&to_version=2", "officer1"),
        api.post("/api/processes/report_1374/migrations/dry-run", "officer1", json={"to_version": 2}),
        api.post("/api/processes/report_1374/migrations", "officer1", json={"to_version": 2}),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403, 403]


def test_unknown_versions_cases_and_batches_are_clear_4xx(world, api):
    start_report(world)

    answers = {
        "version": api.get("/api/processes/report_1374/versions/9/xml", "designer1"),
        "process": api.get("/api/processes/nope/versions", "designer1"),
        "diff": api.get("/api/processes/report_1374/diff?from_version=1&to_version=3", "designer1"),
        "batch": api.get("/api/migrations/999", "designer1"),
        "case": api.post(
            "/api/processes/report_1374/migrations/dry-run", "designer1", json={"to_version": 1, "case_ids": [999]}
        ),
        "nothing": api.post("/api/processes/report_1374/migrations", "designer1", json={"to_version": 1}),
        "bad": api.post("/api/processes/report_1374/migrations", "designer1", json={"to_version": 0}),
    }

    assert {name: a.status_code for name, a in answers.items()} == {
        "version": 404, "process": 404, "diff": 404, "batch": 404, "case": 404, "nothing": 400, "bad": 422,
    }  # fmt: skip
    assert answers["version"].json()["detail"] == "Process 'report_1374' has no version 9"


def _designer_of_d2(world) -> str:
    """A designer working in district d2 (the seeded world has designer1 in d1 only)."""
    with transaction(world.factory) as session:
        d2 = session.scalars(select(Unit).where(Unit.id == world.units["d2"])).one()
        create_user(session, username="designer_d2", password=PASSWORD, roles=["designer"], units=[d2])
    return "designer_d2"


def _start_report_in_d2(world) -> int:
    with transaction(world.factory) as session:
        return (
            CaseRuntime(session, world.services)
            .start_case(world.actor("officer_d2"), process_key="report_1374", data=INTAKE)
            .id
        )


def test_a_batch_records_the_requesters_unit_and_moves_only_cases_of_their_units(world, api):
    in_d1, in_d2 = start_report(world), _start_report_in_d2(world)
    deploy_version(world, REMOVED_TASK_V2)

    dry = api.post("/api/processes/report_1374/migrations/dry-run", "designer1", json={"to_version": 2})
    started = api.post("/api/processes/report_1374/migrations", "designer1", json={"to_version": 2})

    assert [c["case_id"] for c in dry.json()["cases"]] == [in_d1]
    assert started.status_code == 202, started.text
    batch = api.get(f"/api/migrations/{started.json()['batch_id']}", "designer1").json()
    assert [(i["case_id"], i["status"]) for i in batch["items"]] == [(in_d1, "moved")]
    with world.factory() as session:
        assert session.get(MigrationBatch, batch["id"]).unit_id == world.units["d1"]
    assert api.get(f"/api/cases/{in_d1}", "officer1").json()["process_version"] == 2
    assert api.get(f"/api/cases/{in_d2}", "officer_d2").json()["process_version"] == 1


def test_a_designer_of_another_unit_can_neither_read_a_batch_nor_migrate_its_cases(world, api):
    in_d1 = start_report(world)
    deploy_version(world, REMOVED_TASK_V2)
    started = api.post("/api/processes/report_1374/migrations", "designer1", json={"to_version": 2})
    batch_id = started.json()["batch_id"]
    outsider = _designer_of_d2(world)

    read = api.get(f"/api/migrations/{batch_id}", outsider)
    dry = api.post(
        "/api/processes/report_1374/migrations/dry-run", outsider, json={"to_version": 2, "case_ids": [in_d1]}
    )
    migrate = api.post("/api/processes/report_1374/migrations", outsider, json={"to_version": 2, "case_ids": [in_d1]})
    everything = api.post("/api/processes/report_1374/migrations", outsider, json={"to_version": 2})

    assert read.status_code == 404, read.text
    assert read.json()["detail"] == f"Migration batch {batch_id} does not exist or is not of your units"
    assert (dry.status_code, migrate.status_code) == (404, 404)
    assert "in your units" in migrate.json()["detail"]
    assert everything.status_code == 400, "none of d2's running cases can move: d1's case is not among them"
    assert api.get(f"/api/migrations/{batch_id}", "designer1").status_code == 200


def test_a_batch_of_no_unit_is_for_admins_only(world, api):
    with transaction(world.factory) as session:
        batch = MigrationBatch(
            process_key="report_1374", to_version=1, requested_by="cli", created_at=world.clock.now(), unit_id=None
        )
        session.add(batch)
        session.flush()
        batch_id = batch.id

    assert api.get(f"/api/migrations/{batch_id}", "designer1").status_code == 404
    assert api.get(f"/api/migrations/{batch_id}", "admin1").status_code == 200
