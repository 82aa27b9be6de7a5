"""Reports roll up: the districts' frozen yearly reports reach the city, whose consolidated report is its own
figures plus theirs, each district apart; a district that has not reported is named."""

import pytest
from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import Unit
from engine.federation.peers import add_peer
from engine.federation.upward_reports import consolidated_report, send_reports_upward
from engine.people.auth import create_user
from engine.reports.periodic import produce_periodic_reports
from tests.cases import SCREEN_IN, complete, start_report
from tests.engine.test_federation_fingerprints import deliver
from tests.factories import PASSWORD, open_world
from tests.federation import make_instance, other_database, register


def figures(summary) -> dict:
    return {figure.key: figure.value for section in summary.sections for figure in section.figures}


def close_the_year(instance) -> None:
    """Produce the instance's reports for the year of its clock and send the top unit's upward."""
    day = instance.clock.now().date().replace(month=12, day=31)
    with transaction(instance.factory) as session:
        produced = produce_periodic_reports(session, instance.services.forms, closing_day=day,
                                            zone=instance.services.calendar.zone, now=instance.clock.now(),
                                            case_id=None)  # fmt: skip
        send_reports_upward(session, produced, instance.clock.now())


@pytest.fixture
def city_and_districts(world, request, tmp_path):
    """The world as the city; two district instances that report to it; a third that never reports."""
    with other_database(request, tmp_path, world.settings.database_url, "a") as url_a, \
            other_database(request, tmp_path, world.settings.database_url, "b") as url_b:  # fmt: skip
        now = world.clock.now()
        districts = {name: open_world(url, start=now) for name, url in (("quan-a", url_a), ("quan-b", url_b))}
        city_key = make_instance(world.factory, "thanh-pho", now)
        for name, district in districts.items():
            key = make_instance(district.factory, name, now)
            register(world.factory, name=name, url=f"http://{name}.test", key=key, now=now)
            with transaction(district.factory) as session:
                add_peer(session, name="thanh-pho", url="http://city.test", public_key=city_key, added_by="t",
                         now=now, upward=True)  # fmt: skip
        register(world.factory, name="quan-c", url="http://quan-c.test", key=key, now=now)
        with transaction(world.factory) as session:
            city_unit = session.scalars(select(Unit).where(Unit.code == "city")).one()
            create_user(session, username="supervisor_city", password=PASSWORD, roles=["supervisor"],
                        units=[city_unit], full_name="Ngô Văn Thành")  # fmt: skip
        yield world, districts
        for district in districts.values():
            district.factory.kw["bind"].dispose()


def test_the_city_yearly_report_is_its_own_figures_plus_each_districts(city_and_districts):
    city, districts = city_and_districts
    for instance, count in ((city, 2), (districts["quan-a"], 3), (districts["quan-b"], 4)):
        for n in range(count):
            case_id = start_report(instance)
            if n % 2 == 0:
                complete(instance, case_id, "screen_report", "officer1", SCREEN_IN)
    for district in districts.values():
        close_the_year(district)
        deliver(district, city)
    with city.factory() as session:
        report = consolidated_report(session, city.services, city.actor("supervisor_city"), period_code=str(
            city.clock.now().year))  # fmt: skip
    own, total = figures(report.own), figures(report.total)
    parts = {d.instance: figures(d.summary) for d in report.districts}
    assert sorted(parts) == ["quan-a", "quan-b"] and report.missing == ["quan-c"]
    assert (own["received"], parts["quan-a"]["received"], parts["quan-b"]["received"]) == (2, 3, 4)
    for key, value in total.items():
        if not key.endswith("rate"):
            assert value == own[key] + parts["quan-a"][key] + parts["quan-b"][key], key
    assert total["received"] == 9


def test_the_consolidated_page_and_api_show_each_district_and_name_the_missing_one(city_and_districts, web):
    city, districts = city_and_districts
    start_report(districts["quan-a"])
    close_the_year(districts["quan-a"])
    deliver(districts["quan-a"], city)
    year = str(city.clock.now().year)
    supervisor = web().login("supervisor_city")
    page = supervisor.get(f"/reports/consolidated?period={year}")
    assert page.status_code == 200 and "Báo cáo tổng hợp liên thông" in page.text
    assert "Chưa gửi báo cáo kỳ này: quan-b, quan-c" in page.text and "Tổng cộng" in page.text
    token = supervisor.client.post("/api/auth/token", data={"username": "supervisor_city", "password": PASSWORD})
    answer = supervisor.client.get(f"/api/federation/reports/consolidated?period={year}",
                                   headers={"Authorization": f"Bearer {token.json()['access_token']}"})  # fmt: skip
    body = answer.json()
    assert answer.status_code == 200 and body["missing"] == ["quan-b", "quan-c"] and len(body["columns"]) == 2
    received = next(f for s in body["sections"] for f in s["figures"] if f["key"] == "received")
    assert received["values"][1] == 1 and received["total"] == received["values"][0] + 1
    assert supervisor.get("/reports/consolidated?period=khong-phai-ky").status_code == 400
