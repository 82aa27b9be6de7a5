"""Remote and difficult areas (vùng sâu, vùng xa) get the law's longer periods, and resolution periods run from the
acceptance date written in the decision (not from the moment the step was completed), which must be a real date.

A unit's ``remote_area`` flag reaches each case's data at its start; the complaint scripts then choose 45 days
(60 when complex) at first instance and 60 (70) at second instance, the denunciation's acceptance check 10 working
days instead of 7.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.cases.legal_dates import InvalidDecisionDate
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import Case
from engine.people.unit_admin import change_unit
from tests import complaints as k
from tests import denunciations as d
from tests.cases import complete
from tests.petitions import case_data, local

MONDAY_1_MARCH = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # 09:00 local, after Tết
MARCH_ACCEPTANCE = {**k.ACCEPT, "accepted_on": "2027-03-01"}
MARCH_COMPLEX = {**k.ACCEPT_COMPLEX, "accepted_on": "2027-03-01"}


def mark_remote(world, code: str = "d1", remote: bool = True) -> None:
    with transaction(world.factory) as session:
        change_unit(session, world.actor("admin1"), code, {"remote_area": remote}, now=world.clock.now())


def accepted_complaint(world, acceptance: dict) -> int:
    world.clock.set(MONDAY_1_MARCH)
    case_id = k.start_complaint(world, received_on="2027-03-01")
    k.accept(world, case_id, acceptance)
    return case_id


@pytest.mark.parametrize(("acceptance", "days", "due"), [(MARCH_ACCEPTANCE, 45, local(2027, 4, 15)),
                                                         (MARCH_COMPLEX, 60, local(2027, 4, 30))])  # fmt: skip
def test_a_remote_area_complaint_gets_45_days_or_60_when_complex(world, acceptance, days, due):
    mark_remote(world)
    case_id = accepted_complaint(world, acceptance)
    data = case_data(world, case_id)
    assert data["remote_area"] is True and data["resolution_days"] == days
    assert world.ready_task(case_id, "verify_complaint").due_at == due


def test_a_complaint_of_another_unit_keeps_30_days(world):
    mark_remote(world, "d2")
    case_id = accepted_complaint(world, MARCH_ACCEPTANCE)
    assert case_data(world, case_id)["remote_area"] is False
    assert world.ready_task(case_id, "verify_complaint").due_at == local(2027, 3, 31)


def test_a_remote_area_second_instance_gets_60_days_or_70_when_complex(world):
    mark_remote(world)
    world.clock.set(datetime(2027, 1, 25, 2, 0, tzinfo=UTC))
    firsts = []
    for _ in range(2):
        case_id = k.start_complaint(world, received_on="2027-01-25")
        k.accept(world, case_id, {**k.ACCEPT, "accepted_on": "2027-01-25"})
        k.resolve(world, case_id)
        firsts.append(case_id)
    world.clock.set(datetime(2027, 2, 25, 2, 0, tzinfo=UTC))
    due = {}
    for first, acceptance in zip(firsts, (k.ACCEPT, k.ACCEPT_COMPLEX), strict=True):
        before = set(_second_instances(world))
        k.request_second_instance(world, first)
        [second] = set(_second_instances(world)) - before
        complete(world, second, "accept_complaint", "officer1", {**acceptance, "accepted_on": "2027-02-25"})
        due[acceptance["complex"]] = world.ready_task(second, "verify_complaint").due_at
    assert due == {False: local(2027, 4, 26), True: local(2027, 5, 6)}  # 60 and 70 days from 25 February


def _second_instances(world) -> list[int]:
    with world.factory() as session:
        return list(session.scalars(select(Case.id).where(Case.process_key == "complaint_second_instance")))


def test_a_remote_area_denunciation_gets_10_working_days_to_check_acceptance(world):
    mark_remote(world)
    world.clock.set(MONDAY_1_MARCH)
    case_id = d.start_denunciation(world, received_on="2027-03-01")
    assert case_data(world, case_id)["acceptance_check_days"] == 10
    assert world.ready_task(case_id, "check_acceptance").due_at == local(2027, 3, 15)  # two working weeks


def test_the_resolution_period_runs_from_the_acceptance_date_written_not_from_the_click(world):
    world.clock.set(MONDAY_1_MARCH)
    case_id = k.start_complaint(world, received_on="2027-02-26")
    world.clock.set(datetime(2027, 3, 4, 2, 0, tzinfo=UTC))  # recorded on Thursday, decided on Monday
    k.accept(world, case_id, MARCH_ACCEPTANCE)
    assert world.ready_task(case_id, "verify_complaint").due_at == local(2027, 3, 31)
    assert case_data(world, case_id)["resolution_start"] == "2027-03-01"


@pytest.mark.parametrize(("day", "problem"), [("2027-03-05", "in the future"),
                                              ("2027-02-25", "before the case was received")])  # fmt: skip
def test_an_acceptance_date_in_the_future_or_before_receipt_is_refused(world, day, problem):
    world.clock.set(MONDAY_1_MARCH)
    case_id = k.start_complaint(world, received_on="2027-02-26")
    world.clock.set(datetime(2027, 3, 4, 2, 0, tzinfo=UTC))
    task = world.ready_task(case_id, "accept_complaint")
    with pytest.raises(InvalidDecisionDate, match=problem), transaction(world.factory) as session:
        runtime = CaseRuntime(session, world.services)
        runtime.complete_task(world.actor("officer1"), task.id, {**k.ACCEPT, "accepted_on": day})
    assert world.ready_task(case_id, "accept_complaint") is not None
