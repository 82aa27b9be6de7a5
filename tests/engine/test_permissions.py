"""The permissions policy on its own: roles, units, task lanes and assignees, and messages a person can act on."""

from types import SimpleNamespace

import pytest

from engine.core.errors import Forbidden
from engine.people.auth import Actor
from engine.people.permissions import (
    can_assign_task,
    can_claim_task,
    can_complete_task,
    can_read_attachment,
    can_read_case,
    can_read_identity,
    can_read_migration_batch,
    can_start_process,
    require,
)
from engine.people.roles import Role

D1, D2, CITY = 2, 3, 1


def _actor(username: str, *roles: Role, sees: set[int]) -> Actor:
    return Actor(username=username, roles=frozenset(roles), unit_ids=frozenset({min(sees)}),
                 visible_unit_ids=frozenset(sees))  # fmt: skip


OFFICER = _actor("officer1", Role.OFFICER, sees={D1})
LEAD = _actor("lead1", Role.TEAM_LEAD, sees={D1})
SUPERVISOR = _actor("supervisor1", Role.SUPERVISOR, sees={D1})
CUSTODIAN = _actor("custodian1", Role.CUSTODIAN, sees={CITY, D1, D2})
DESIGNER = _actor("designer1", Role.DESIGNER, sees={D1})
CASE_D1 = SimpleNamespace(unit_id=D1, tracking_code="PA-2026-00001")
CASE_D2 = SimpleNamespace(unit_id=D2, tracking_code="PA-2026-00002")


def _task(**values) -> SimpleNamespace:
    return SimpleNamespace(**{"name": "Phân loại", "unit_id": D1, "lane": "officer", "assignee": None, **values})


def test_roles_compare_equal_to_the_stored_strings():
    assert Role.TEAM_LEAD == "team_lead" and "custodian" in {Role.CUSTODIAN}
    assert OFFICER.has_role("officer")


def test_case_handlers_read_the_cases_of_their_units_only():
    assert can_read_case(OFFICER, CASE_D1) and can_read_case(SUPERVISOR, CASE_D1)
    assert not can_read_case(OFFICER, CASE_D2)
    assert not can_read_case(CUSTODIAN, CASE_D1) and not can_read_case(DESIGNER, CASE_D1)


def test_a_refusal_names_who_what_and_the_roles_needed():
    with pytest.raises(Forbidden) as refused:
        require(can_read_case, DESIGNER, CASE_D1)
    message = refused.value.message
    assert "designer1" in message and "read cases" in message
    assert "officer, supervisor, team_lead" in message and "has designer" in message
    with pytest.raises(Forbidden) as outside:
        require(can_read_case, OFFICER, CASE_D2)
    assert "PA-2026-00002" in outside.value.message and "not one of their units" in outside.value.message


def test_the_custodian_reads_identities_city_wide_and_the_resolver_those_of_the_unit():
    assert can_read_identity(CUSTODIAN, CASE_D1) and can_read_identity(CUSTODIAN, CASE_D2)
    assert can_read_identity(SUPERVISOR, CASE_D1) and not can_read_identity(SUPERVISOR, CASE_D2)
    with pytest.raises(Forbidden) as refused:
        require(can_read_identity, OFFICER, CASE_D1)
    assert "người lưu giữ" in refused.value.message and "PA-2026-00001" in refused.value.message


def test_task_lanes_and_assignees():
    assert can_claim_task(OFFICER, _task()) and not can_claim_task(LEAD, _task())
    assert can_complete_task(OFFICER, _task(assignee="officer1"))
    with pytest.raises(Forbidden) as refused:
        require(can_complete_task, OFFICER, _task(assignee="officer2"))
    assert "assigned to officer2" in refused.value.message
    assert can_complete_task(LEAD, _task(lane="officer", assignee="lead1")), "an assignee completes whatever the lane"
    assert can_assign_task(LEAD, _task()) and not can_assign_task(OFFICER, _task())
    assert not can_assign_task(LEAD, _task(unit_id=D2))


def test_identity_bearing_files_follow_the_identity_rule_and_other_files_the_case_rule():
    sealed, plain = SimpleNamespace(identity_bearing=True), SimpleNamespace(identity_bearing=False)
    assert can_read_attachment(CUSTODIAN, CASE_D1, sealed) and not can_read_attachment(CUSTODIAN, CASE_D1, plain)
    assert can_read_attachment(OFFICER, CASE_D1, plain) and not can_read_attachment(OFFICER, CASE_D1, sealed)
    assert not can_read_attachment(DESIGNER, CASE_D1, plain)


ADMIN = _actor("admin1", Role.ADMIN, sees={D1})
SYSTEM_ONLY = SimpleNamespace(key="periodic_report", catalog={"startable_by": ["system"]})
SUPERVISORS_ONLY = SimpleNamespace(key="p", catalog={"startable_by": ["supervisor"]})
OLD_CATALOG = SimpleNamespace(key="report_1374", catalog={})  # deployed before startableBy existed


def test_a_system_only_process_refuses_every_staff_member_naming_the_process():
    for actor in (OFFICER, LEAD, SUPERVISOR, DESIGNER):
        assert not can_start_process(actor, SYSTEM_ONLY)
    with pytest.raises(Forbidden, match="process 'periodic_report' is started only by the system"):
        require(can_start_process, SUPERVISOR, SYSTEM_ONLY)


def test_a_process_names_its_starters_and_the_case_handlers_start_it_by_default():
    assert can_start_process(SUPERVISOR, SUPERVISORS_ONLY) and not can_start_process(OFFICER, SUPERVISORS_ONLY)
    with pytest.raises(Forbidden, match=r"may be started by the roles supervisor \(has officer\)"):
        require(can_start_process, OFFICER, SUPERVISORS_ONLY)
    assert all(can_start_process(actor, OLD_CATALOG) for actor in (OFFICER, LEAD, SUPERVISOR))
    assert not can_start_process(DESIGNER, OLD_CATALOG)


def test_a_migration_batch_is_read_in_the_requesters_unit_and_above_only():
    batch_d1 = SimpleNamespace(id=1, unit_id=D1)
    batch_d2 = SimpleNamespace(id=2, unit_id=D2)
    no_unit = SimpleNamespace(id=3, unit_id=None)
    city_designer = _actor("designer_city", Role.DESIGNER, sees={CITY, D1, D2})

    assert can_read_migration_batch(DESIGNER, batch_d1) and not can_read_migration_batch(DESIGNER, batch_d2)
    assert can_read_migration_batch(city_designer, batch_d2)
    assert not can_read_migration_batch(OFFICER, batch_d1)
    assert can_read_migration_batch(ADMIN, no_unit) and not can_read_migration_batch(DESIGNER, no_unit)
    with pytest.raises(Forbidden, match="migration batch 2 of unit 3 is not one of their units"):
        require(can_read_migration_batch, DESIGNER, batch_d2)
