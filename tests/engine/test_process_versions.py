"""The versions of a process: who deployed what and when, and the running cases of each version."""

import pytest

from engine.core.db import transaction
from engine.core.errors import NotFound
from engine.processes.versions import definition_of_version, list_versions
from tests.cases import complete, start_report, walk_to_verification
from tests.migration_fixtures import DEADLINE_V2, deploy_version, migrate

OUT_OF_SCOPE = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}
ARCHIVE = {"disposition": "archive", "reason": "Lưu đơn"}


def test_versions_are_listed_newest_first_with_their_running_cases(world):
    walk_to_verification(world)
    start_report(world)
    closed = start_report(world)
    complete(world, closed, "screen_report", "officer1", OUT_OF_SCOPE)
    complete(world, closed, "forward_or_archive", "officer1", ARCHIVE)
    moved = start_report(world)
    deploy_version(world, DEADLINE_V2, deployed_by="designer1")
    migrate(world, 2, [moved])

    with world.factory() as session:
        versions = list_versions(session, "report_1374")

    assert [(v.version, v.running_cases, v.deployed_by) for v in versions] == [(2, 1, "designer1"), (1, 2, "system")]
    assert versions[0].filename == "report_1374.bpmn" and len(versions[0].content_sha256) == 64


def test_running_cases_are_counted_in_the_given_units_only(world):
    start_report(world)

    with world.factory() as session:
        mine = list_versions(session, "report_1374", [world.units["d1"]])
        elsewhere = list_versions(session, "report_1374", [world.units["d2"]])

    assert (mine[0].running_cases, elsewhere[0].running_cases) == (1, 0)


def test_unknown_processes_and_versions_are_not_found(world):
    with world.factory() as session, pytest.raises(NotFound, match="'nope' is not deployed"):
        list_versions(session, "nope")
    with transaction(world.factory) as session, pytest.raises(NotFound, match="has no version 7"):
        definition_of_version(session, "report_1374", 7)
