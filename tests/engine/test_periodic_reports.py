"""processes/periodic_report.bpmn: at each month end the reports of every unit are produced and kept frozen."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from engine.core.models import Case, CaseTimer, PeriodicReport
from engine.reports.periodic import thaw
from tests.cases import start_report
from tests.timers import fire_due_timers

NEXT_YEAR = datetime.now(UTC).year + 1


def waiting_periodic_case(world) -> tuple[Case, CaseTimer]:
    with world.factory() as session:
        case = session.scalars(
            select(Case).where(Case.process_key == "periodic_report", Case.status == "in_progress")
        ).one()
        timer = session.scalars(select(CaseTimer).where(CaseTimer.case_id == case.id)).one()
        return case, timer


def test_reports_of_every_unit_are_produced_when_june_ends_and_stay_frozen(world, api):
    world.clock.set(datetime(NEXT_YEAR, 6, 20, 2, 0, tzinfo=UTC))
    start_report(world)
    start_report(world)
    assert fire_due_timers(world.factory, world.services) == 0
    first_run, timer = waiting_periodic_case(world)
    local = timer.fire_at.astimezone(world.services.calendar.zone)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (NEXT_YEAR, 7, 1, 0, 5)

    world.clock.set(timer.fire_at + timedelta(hours=1))
    assert fire_due_timers(world.factory, world.services) == 1
    with world.factory() as session:
        codes = sorted(set(session.scalars(select(PeriodicReport.period_code))))
        assert codes == [f"{NEXT_YEAR}-06", f"{NEXT_YEAR}-H1", f"{NEXT_YEAR}-Q2"]
        assert session.scalar(select(func.count()).select_from(PeriodicReport)) == 3 * len(world.units)
        june = session.scalars(
            select(PeriodicReport).where(PeriodicReport.unit_id == world.units["d1"],
                                         PeriodicReport.period_code == f"{NEXT_YEAR}-06")
        ).one()  # fmt: skip
        assert thaw(june.summary).figure("received").value == 2
        assert session.get(Case, first_run.id).status == "completed"

    fire_due_timers(world.factory, world.services)
    next_run, next_timer = waiting_periodic_case(world)
    assert next_run.id != first_run.id
    assert next_timer.fire_at.astimezone(world.services.calendar.zone).month == 8

    start_report(world)  # a late arrival does not change the frozen June report
    listed = api.get("/api/reports/periodic", "supervisor1").json()
    assert {r["period"]["code"] for r in listed} == {f"{NEXT_YEAR}-06", f"{NEXT_YEAR}-Q2", f"{NEXT_YEAR}-H1"}
    assert len(listed) == 9, "d1 and its two wards, three periods each"
    frozen = api.get(f"/api/reports/periodic/{june.id}", "supervisor1").json()
    figures = {f["key"]: f["value"] for s in frozen["sections"] for f in s["figures"]}
    assert figures["received"] == 2
    assert api.get(f"/api/reports/periodic/{june.id}.pdf", "supervisor1").content.startswith(b"%PDF")
    assert api.get(f"/api/reports/periodic/{june.id}", "supervisor_d2").status_code == 404


def test_one_periodic_instance_waits_at_a_time(world):
    world.clock.set(datetime(NEXT_YEAR, 3, 3, 2, 0, tzinfo=UTC))
    for _ in range(3):
        fire_due_timers(world.factory, world.services)
    with world.factory() as session:
        waiting = select(func.count()).where(Case.process_key == "periodic_report", Case.status == "in_progress")
        assert session.scalar(waiting) == 1


def test_produced_reports_download_from_the_reports_page(world):
    import re

    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.factories import PASSWORD

    world.clock.set(datetime(NEXT_YEAR, 9, 20, 2, 0, tzinfo=UTC))
    fire_due_timers(world.factory, world.services)
    _, timer = waiting_periodic_case(world)
    world.clock.set(timer.fire_at + timedelta(minutes=5))
    fire_due_timers(world.factory, world.services)
    app = create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)
    with TestClient(app) as client:
        client.post("/login", data={"username": "supervisor1", "password": PASSWORD})
        page = client.get(f"/reports?period={NEXT_YEAR}-09").text
        links = re.findall(r'href="(/reports/periodic/\d+\.pdf)"', page)
        assert len(links) == 3 * 3, "month, quarter and 9 months for d1 and its two wards"
        assert client.get(links[0]).content.startswith(b"%PDF")
