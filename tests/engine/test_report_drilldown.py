"""Reports that agree with themselves: each figure's drill-down lists exactly the cases the figure counts.

The expected case sets are worked out here in Python from the case and task rows, independently of the SQL the
report and its drill-down share; complaints and petitions received in the same month must stay out of the 1374
figures, and cases received just either side of local midnight must fall in the right month.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.cases.enums import TaskStatus
from engine.core.models import Case, HumanTask, Unit
from engine.reports.counted import PETITION_PROCESS, REPORT_PROCESS
from tests import complaints
from tests.cases import SCREEN_IN, assign_data, complete, start_report, walk_to_verification
from tests.engine.test_reports import resolved
from tests.factories import INTAKE
from tests.petitions import register_petition

YEAR = datetime.now(UTC).year + 1
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = f"{YEAR}-05"
MAY_START = datetime(YEAR, 5, 1, tzinfo=ZONE)
JUNE_START = datetime(YEAR, 6, 1, tzinfo=ZONE)


def at_local(world, month: int, day: int, hour: int = 9, minute: int = 0) -> None:
    world.clock.set(datetime(YEAR, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC))


@pytest.fixture
def mixed_month(world):
    """May: every kind of 1374 outcome, a complaint and a petition; cases either side of the month's edges."""
    at_local(world, 4, 20)
    start_report(world)  # April: the previous period
    at_local(world, 5, 1, 0, 30)  # 00:30 on 1 May local is still 30 April in UTC
    start_report(world, {**INTAKE, "field": "education"})
    at_local(world, 5, 5)
    resolved(world, "land", party="reprimand", channel="media")
    at_local(world, 5, 6)
    late_resolution = start_report(world)
    complete(world, late_resolution, "screen_report", "officer1", SCREEN_IN)
    at_local(world, 5, 7)
    out = start_report(world)
    complete(world, out, "screen_report", "officer1", {"screening": "out_of_scope", "reason": "Ngoài thẩm quyền"})
    at_local(world, 5, 8)
    walk_to_verification(world, days=1)  # its verification is late from mid-May on
    at_local(world, 5, 12)
    complaints.start_complaint(world)
    register_petition(world)
    at_local(world, 5, 31, 23, 30)  # still May locally, already past 16:00 UTC
    start_report(world, {**INTAKE, "field": "urban_order"})
    at_local(world, 6, 1, 0, 30)  # June locally, 31 May in UTC
    start_report(world)
    at_local(world, 6, 10)  # the case screened on 6 May is resolved in June: still in progress for May
    conclusion = {"violation": False, "party_sanction": "none", "state_sanction": "none", "conclusion": "Không"}
    publication = {"channels": ["writing"], "published_on": f"{YEAR}-06-10", "summary": "Đã công khai"}
    for step, user, data in (
        ("assign_verification", "lead1", assign_data(10)), ("verify_report", "officer1", {"findings": "Không"}),
        ("conclude_verification", "officer1", conclusion),
        ("approve_conclusion", "supervisor1", {"decision": "approve"}),
        ("publicize_result", "officer1", publication),
    ):  # fmt: skip
        complete(world, late_resolution, step, user, data)
    at_local(world, 6, 15)
    return world


ENDED = ("withdrawn", "terminated")


def expected_cases(world, key: str) -> set[int]:
    """The cases a figure of the May report of district d1 should count, worked out row by row in Python."""
    as_of = min(world.clock.now(), JUNE_START)
    with world.factory() as session:
        d1 = session.get(Unit, world.units["d1"])
        units = set(session.scalars(select(Unit.id).where(Unit.path.startswith(d1.path))))
        cases = list(session.scalars(select(Case)))
        tasks = list(session.scalars(select(HumanTask)))

    def in_may(case: Case, process: str) -> bool:
        return case.process_key == process and case.unit_id in units and MAY_START <= case.created_at < JUNE_START

    def is_resolved(case: Case) -> bool:
        return case.screening == "in_scope" and case.completed_at is not None and case.completed_at < as_of

    late = {
        t.case_id for t in tasks
        if t.unit_id in units and t.due_at is not None and t.due_at < as_of and t.state != TaskStatus.CANCELLED
        and (t.completed_at is None or t.completed_at > as_of)
    }  # fmt: skip
    if key == "petitions.received":
        return {c.id for c in cases if in_may(c, PETITION_PROCESS)}
    received = [c for c in cases if in_may(c, REPORT_PROCESS)]
    section, _, code = key.partition(".")
    chosen = {
        "received": lambda c: True,
        "resolved": is_resolved,
        "in_progress": lambda c: c.screening == "in_scope" and not is_resolved(c) and c.status not in ENDED,
        "overdue": lambda c: c.id in late and not is_resolved(c) and c.status not in ENDED,
        "withdrawn": lambda c: c.status == "withdrawn",
        "terminated": lambda c: c.status == "terminated",
        "by_source": lambda c: c.source == code,
        "by_field": lambda c: c.field == code,
        "screening": lambda c: (c.screening or "pending") == code,
        "party_sanctions": lambda c: c.party_sanction == code,
        "state_sanctions": lambda c: c.state_sanction == code,
        "publicity": lambda c: bool(getattr(c, f"published_{code}")),
    }[key if key in ("received", "resolved", "in_progress", "overdue", *ENDED) else section]
    return {c.id for c in received if chosen(c)}


def listed(api, figure: str) -> tuple[set[int], int]:
    """Every case of a figure's drill-down, page by page, and the total the API gives."""
    ids: set[int] = set()
    page, total = 1, None
    while total is None or len(ids) < total:
        params = {"period": PERIOD, "unit": 2, "figure": figure, "page": page, "page_size": 2}
        body = api.get("/api/reports/summary/cases", "supervisor1", params=params).json()
        total = body["total"]
        ids |= {item["id"] for item in body["items"]}
        if not body["items"]:
            break
        page += 1
    return ids, total


def test_every_figure_lists_exactly_the_cases_it_counts(mixed_month, api):
    world = mixed_month
    assert world.units["d1"] == 2
    summary = api.get("/api/reports/summary", "supervisor1", params={"period": PERIOD, "unit": 2}).json()
    figures = [f for s in summary["sections"] for f in s["figures"] if f["drilldown"]]
    assert len(figures) > 20
    for figure in figures:
        ids, total = listed(api, figure["key"])
        expected = expected_cases(world, figure["key"])
        assert ids == expected, figure["key"]
        assert total == len(ids) == figure["value"], figure["key"]
    counted = {f["key"]: f["value"] for f in figures}
    assert counted["received"] == 6 and counted["petitions.received"] == 1
    assert (counted["resolved"], counted["in_progress"], counted["overdue"]) == (1, 2, 4)
    assert counted["screening.pending"] == 2 and counted["by_field.education"] == 1


def test_each_drilldown_link_opens_the_list_of_its_figure(mixed_month, web):
    browser = web().login("supervisor1")
    report = browser.get(f"/reports?period={PERIOD}&unit=2").text
    assert "/reports/cases?unit=2&amp;period=" in report and "Xử lý thông tin phản ánh" in report
    page = browser.get(f"/reports/cases?unit=2&period={PERIOD}&figure=received")
    assert page.status_code == 200
    assert "Chỉ tiêu kỳ này: 6 · danh sách: 6 hồ sơ" in page.text and page.text.count("data-case=") == 6


def test_a_rate_or_an_unknown_figure_has_no_list_and_says_why(mixed_month, api):
    params = {"period": PERIOD, "unit": 2}
    rate = api.get("/api/reports/summary/cases", "supervisor1", params={**params, "figure": "resolved_rate"})
    assert rate.status_code == 400 and "Tỷ lệ giải quyết" in rate.json()["detail"]
    unknown = api.get("/api/reports/summary/cases", "supervisor1", params={**params, "figure": "nonsense"})
    assert unknown.status_code == 400 and "received" in unknown.json()["detail"]
    assert api.get("/api/reports/summary/cases", "officer1", params={**params, "figure": "received"}).status_code == 403


def test_the_overview_says_it_counts_every_process_and_splits_open_cases_by_process(mixed_month, api, web):
    overview = api.get("/api/reports/overview", "supervisor1").json()
    assert overview["open_cases"] == sum(overview["open_by_process"].values())
    assert {"report_1374", "complaint", "petition_triage"} <= set(overview["open_by_process"])
    page = web().login("supervisor1").get("/overview").text
    assert "mọi quy trình" in page and "Giải quyết khiếu nại lần đầu" in page


def test_a_week_later_nothing_moves_between_figures(mixed_month, api):
    """The same past month asked again later gives the same figures (judged as of its end)."""
    before = api.get("/api/reports/summary", "supervisor1", params={"period": PERIOD, "unit": 2}).json()
    mixed_month.clock.advance(timedelta(days=7))
    after = api.get("/api/reports/summary", "supervisor1", params={"period": PERIOD, "unit": 2}).json()
    assert before["sections"] == after["sections"]
