"""The periodic report, built from real cases: the figures supervisors report today, exactly."""

from datetime import UTC, datetime, timedelta

import pytest

from engine.reports.periods import parse_period
from engine.reports.summary import build_summary
from tests.cases import SCREEN_IN, assign_data, complete, start_report
from tests.factories import INTAKE

NEXT_YEAR = datetime.now(UTC).year + 1  # the injected clock stays ahead of the real one (see tests/factories.py)


def at(world, month: int, day: int) -> None:
    world.clock.set(datetime(NEXT_YEAR, month, day, 2, 0, tzinfo=UTC))


def received(world, field: str) -> int:
    return start_report(world, {**INTAKE, "field": field})


def resolved(world, field: str, *, party: str = "none", state: str = "none", channel: str = "writing") -> int:
    """A case taken through every step to publication."""
    case_id = received(world, field)
    violation = party != "none" or state != "none"
    conclusion = {"violation": violation, "party_sanction": party, "state_sanction": state, "conclusion": "Kết luận"}
    publication = {"channels": [channel], "published_on": f"{NEXT_YEAR}-06-01", "summary": "Đã công khai"}
    for step, user, data in (
        ("screen_report", "officer1", SCREEN_IN), ("assign_verification", "lead1", assign_data(10)),
        ("verify_report", "officer1", {"findings": "Có cơ sở"}), ("conclude_verification", "officer1", conclusion),
        ("approve_conclusion", "supervisor1", {"decision": "approve"}), ("publicize_result", "officer1", publication),
    ):  # fmt: skip
        complete(world, case_id, step, user, data)
    return case_id


def report(world, period: str, unit: str = "d1"):
    with world.factory() as session:
        return build_summary(session, world.services.forms, unit_id=world.units[unit], period=parse_period(period),
                             zone=world.services.calendar.zone, now=world.clock.now())  # fmt: skip


def test_the_second_example_148_received_100_in_jurisdiction_83_resolved(world):
    world.services.issue_documents = False  # 83 approvals: the report counts them, issuing is tested elsewhere
    at(world, 7, 6)
    for _ in range(83):
        resolved(world, "land")
    for _ in range(17):
        complete(world, received(world, "land"), "screen_report", "officer1", SCREEN_IN)
    for _ in range(48):
        out_of_scope = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}
        complete(world, received(world, "other"), "screen_report", "officer1", out_of_scope)
    world.clock.advance(timedelta(days=40))
    summary = report(world, f"{NEXT_YEAR}-Q3")
    assert summary.figure("received").value == 148
    assert summary.figure("screening.in_scope").value == 100
    assert summary.figure("resolved").value == 83
    assert summary.figure("resolved_rate").value == 83.0
    assert summary.figure("in_progress").value == 17


def test_reports_are_for_supervisors_and_name_a_bad_period(api):
    assert api.get("/api/reports/summary", "officer1", params={"period": "2026-05"}).status_code == 403
    response = api.get("/api/reports/summary", "supervisor1", params={"period": "2026-13"})
    assert response.status_code == 400 and "2026-13" in response.json()["detail"]
    other_unit = api.get("/api/reports/summary", "supervisor_d2", params={"period": "2026", "unit": 2})
    assert other_unit.status_code == 404


@pytest.mark.parametrize("period", ["0001", "9999-12", "9999"])
def test_report_periods_at_the_calendar_edges_get_a_400_naming_the_years(api, period):
    answer = api.get("/api/reports/summary", "supervisor1", params={"period": period})
    assert answer.status_code == 400 and "1900" in answer.json()["detail"]
