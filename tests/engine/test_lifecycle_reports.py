"""Withdrawn (rút đơn) and terminated (đình chỉ) cases are counted apart in the periodic report: not resolved, not
in progress, and not in the resolution rate's numerator."""

from datetime import UTC, datetime

from engine.cases.lifecycle import terminate_case, withdraw_case
from engine.core.db import transaction
from engine.reports.periods import parse_period
from engine.reports.summary import build_summary
from tests import complaints as k
from tests import denunciations as d

MONDAY_1_FEBRUARY = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)


def decide(world, action, case_id: int, day: str) -> None:
    with transaction(world.factory) as session:
        action(session, world.services, world.actor("lead1"), case_id=case_id, reason="Theo đơn", decided_on=day)


def report(world, process_key: str):
    with world.factory() as session:
        period, zone = parse_period("2027-02"), world.services.calendar.zone
        return build_summary(session, world.services.forms, unit_id=world.units["d1"], period=period, zone=zone,
                             now=world.clock.now(), process_key=process_key)  # fmt: skip


def test_a_withdrawn_denunciation_is_counted_as_withdrawn_not_resolved(world):
    world.clock.set(MONDAY_1_FEBRUARY)
    withdrawn, open_one = d.start_denunciation(world), d.start_denunciation(world)
    for case_id in (withdrawn, open_one):
        d.accept(world, case_id)
    decide(world, withdraw_case, withdrawn, "2027-02-01")
    world.clock.set(datetime(2027, 3, 2, 2, 0, tzinfo=UTC))
    figure = report(world, "denunciation").figure
    assert figure("received").value == 2 and figure("screening.in_scope").value == 2
    assert figure("withdrawn").value == 1 and figure("terminated").value == 0
    assert figure("resolved").value == 0 and figure("resolved_rate").value == 0.0
    assert figure("in_progress").value == 1


def test_a_terminated_complaint_is_counted_as_terminated_not_resolved(world):
    world.clock.set(MONDAY_1_FEBRUARY)
    case_id = k.start_complaint(world)
    k.accept(world, case_id, {**k.ACCEPT, "accepted_on": "2027-02-01"})
    decide(world, terminate_case, case_id, "2027-02-01")
    world.clock.set(datetime(2027, 3, 2, 2, 0, tzinfo=UTC))
    figure = report(world, "complaint").figure
    assert figure("terminated").value == 1 and figure("withdrawn").value == 0
    assert figure("resolved").value == 0 and figure("in_progress").value == 0 and figure("overdue").value == 0
