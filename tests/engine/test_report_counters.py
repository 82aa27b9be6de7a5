"""The report counters: kept with every case action, always equal to a recount of the cases, and what the periodic
report reads for whole months, without changing a single figure or drill-down list."""

import random
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, event, func, select, update

from engine.cases.lifecycle import resume_case, suspend_case, terminate_case, withdraw_case
from engine.core.db import transaction
from engine.core.models import Case, HumanTask, ReportCount, ReportCountedCase
from engine.reports import counters as counters_module
from engine.reports.counted import Scope, figure_condition
from engine.reports.counters import (
    COUNTED_WITH_TASKS,
    TALLY_AFTER,
    TASK_COLUMNS,
    case_keys,
    rebuild_counters,
    recount_case,
)
from engine.reports.periods import month_start, parse_period, period_months, range_period
from engine.reports.summary import build_summary, count_periods, unit_subtree
from tests.cases import SCREEN_IN, assign_data, complete, start_report
from tests.engine.test_reports import resolved
from tests.factories import INTAKE

YEAR = datetime.now(UTC).year + 1
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIELDS = ("land", "education", "urban_order", "adjudication")


def at_local(world, month: int, day: int, hour: int = 9) -> None:
    world.clock.set(datetime(YEAR, month, day, hour, tzinfo=ZONE).astimezone(UTC))


def counters(world) -> Counter:
    """Every non-zero counter as stored."""
    with world.factory() as session:
        rows = session.execute(select(ReportCount).where(ReportCount.count != 0)).scalars()
        return Counter({(r.zone, r.unit_id, r.process_key, r.month, r.figure, r.code): r.count for r in rows})


def random_workload(world, seed: int) -> None:
    """Cases received from March to June (one near local midnight at a month's edge), taken through the procedure
    to a random point: left unscreened, screened out or as a duplicate, assigned, or resolved with sanctions and
    publication, some resolved a month or two after they were received."""
    world.services.issue_documents = False
    rng = random.Random(seed)
    waiting: list[int] = []
    for month in (3, 4, 5, 6):
        at_local(world, month, 1, 0)  # 00:xx local on the 1st is the day before in UTC
        waiting.append(start_report(world, {**INTAKE, "field": rng.choice(FIELDS)}))
        for day in sorted(rng.sample(range(2, 28), 3)):
            at_local(world, month, day)
            draw = rng.random()
            if draw < 0.3:
                party = rng.choice(("none", "reprimand", "serious_criticism"))
                resolved(world, rng.choice(FIELDS), party=party, channel=rng.choice(("writing", "media", "portal")))
                continue
            case_id = start_report(world, {**INTAKE, "field": rng.choice(FIELDS)})
            if draw < 0.45:
                duplicate = {
                    "screening": "duplicate",
                    "reason": "Trùng",
                    "duplicate_of": tracking_code(world, waiting[0]),
                }
                complete(world, case_id, "screen_report", "officer1", duplicate)
            elif draw < 0.6:
                complete(world, case_id, "screen_report", "officer1",
                         {"screening": "out_of_scope", "reason": "Ngoài thẩm quyền"})  # fmt: skip
            elif draw < 0.9:
                complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
                complete(world, case_id, "assign_verification", "lead1", assign_data(rng.choice((1, 10))))
                waiting.append(case_id)
        for case_id in [c for c in waiting if rng.random() < 0.4]:  # resolved this month, received earlier
            finish(world, case_id)
            waiting.remove(case_id)


def tracking_code(world, case_id: int) -> str:
    with world.factory() as session:
        return session.get(Case, case_id).tracking_code


def finish(world, case_id: int) -> None:
    """Take a waiting case to its publication, from wherever it waits."""
    conclusion = {"violation": True, "party_sanction": "reprimand", "state_sanction": "none", "conclusion": "Có"}
    publication = {"channels": ["writing", "portal"], "published_on": f"{YEAR}-06-01", "summary": "Đã công khai"}
    steps = (
        ("screen_report", "officer1", SCREEN_IN), ("assign_verification", "lead1", assign_data(10)),
        ("verify_report", "officer1", {"findings": "Có cơ sở"}), ("conclude_verification", "officer1", conclusion),
        ("approve_conclusion", "supervisor1", {"decision": "approve"}), ("publicize_result", "officer1", publication),
    )  # fmt: skip
    for step, user, data in steps:
        if world.ready_task(case_id, step) is not None:
            complete(world, case_id, step, user, data)


@pytest.fixture
def workload(world):
    random_workload(world, seed=18)
    return world


PERIODS = (f"{YEAR}-03", f"{YEAR}-04", f"{YEAR}-05", f"{YEAR}-Q2", f"{YEAR}-H1", f"{YEAR}-9M", f"{YEAR}")


def both_ways(world, code: str, unit: str, now: datetime):
    """The counts of a period and its previous one, from the counters and from the cases."""
    with world.factory() as session:
        _, unit_ids = unit_subtree(session, world.units[unit])
        period = parse_period(code)
        ways = [
            count_periods(
                session,
                unit_ids,
                (period, period.previous()),
                zone=ZONE,
                now=now,
                process_key="report_1374",
                counters=counters,
            )  # fmt: skip
            for counters in (True, False)
        ]
    return ways


@pytest.fixture(params=[TALLY_AFTER, 1], ids=["tallied_in_batches", "every_settled_step_tallied"])
def tally_after(request, monkeypatch) -> int:
    """The counters' tally threshold: as shipped (short cases are never tallied), and 1 (every step is tallied as
    soon as it settles, so that each scenario also runs through the tally)."""
    monkeypatch.setattr(counters_module, "TALLY_AFTER", request.param)
    return request.param


def tallied_steps(world) -> int:
    with world.factory() as session:
        return session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.tallied.is_(True))) or 0


def test_the_counters_kept_by_the_actions_equal_a_recount_of_the_cases(tally_after, world):
    random_workload(world, seed=18)
    workload = world
    assert (tallied_steps(world) > 20) == (tally_after == 1)
    kept = counters(workload)
    assert sum(n for key, n in kept.items() if key[4] == "received") == _cases(workload)
    with transaction(workload.factory) as session:
        rebuild_counters(session.connection(), zone=ZONE)
    assert counters(workload) == kept


def test_every_period_counts_the_same_from_the_counters_as_from_the_cases(workload):
    # as of the end of each period, and as of days within June (the running month: resolved partly counted live)
    for now in (datetime(YEAR, 6, 20, 10, tzinfo=ZONE), datetime(YEAR, 8, 1, tzinfo=ZONE)):
        for code in PERIODS:
            for unit in ("city", "d1", "w11"):
                from_counters, from_cases = both_ways(workload, code, unit, now.astimezone(UTC))
                differing = {
                    (index, name): (getattr(a, name), getattr(b, name))
                    for index, (a, b) in enumerate(zip(from_counters, from_cases, strict=True))
                    for name in vars(a) if getattr(a, name) != getattr(b, name)
                }  # fmt: skip
                assert differing == {}, (code, unit, now)
    received = both_ways(workload, f"{YEAR}-H1", "d1", datetime(YEAR, 8, 1, tzinfo=ZONE))[0][0]
    assert received.received > 10 and received.resolved > 0 and received.publicity["portal"] > 0


def test_every_figure_read_from_the_counters_lists_exactly_its_cases(workload):
    now = workload.clock.now()
    with workload.factory() as session:
        _, unit_ids = unit_subtree(session, workload.units["d1"])
        for code in (f"{YEAR}-04", f"{YEAR}-Q2"):
            period = parse_period(code)
            summary = build_summary(session, workload.services.forms, unit_id=workload.units["d1"], period=period,
                                    zone=ZONE, now=now)  # fmt: skip
            scope = Scope.of(unit_ids, period, zone=ZONE, now=now)
            figures = [f for section in summary.sections for f in section.figures if f.drilldown]
            assert len(figures) > 20
            for figure in figures:
                condition = figure_condition(figure.key, scope)
                listed = session.scalar(select(func.count()).select_from(Case).where(condition))
                assert listed == figure.value, (code, figure.key)


def test_the_report_reads_the_counters_of_whole_months_and_the_cases_otherwise(workload):
    """A counter changed behind the report's back shows in a month's report, not in a free range of days."""
    with transaction(workload.factory) as session:
        session.execute(update(ReportCount).where(ReportCount.figure == "received", ReportCount.month == f"{YEAR}-04")
                        .values(count=ReportCount.count + 100))  # fmt: skip
    now = workload.clock.now()
    with workload.factory() as session:
        forms, d1 = workload.services.forms, workload.units["d1"]
        month = build_summary(session, forms, unit_id=d1, period=parse_period(f"{YEAR}-04"), zone=ZONE, now=now)
        days = range_period(date(YEAR, 4, 1), date(YEAR, 4, 30))
        free = build_summary(session, forms, unit_id=d1, period=days, zone=ZONE, now=now)
    assert month.figure("received").value == free.figure("received").value + 100


def test_an_action_changes_only_the_counters_of_the_facts_it_changes(workload):
    """Assigning a verification completes a step with a deadline: one more step on time in July, nothing else."""
    at_local(workload, 7, 1)
    case_id = start_report(workload)
    complete(workload, case_id, "screen_report", "officer1", SCREEN_IN)
    before = counters(workload)
    complete(workload, case_id, "assign_verification", "lead1", assign_data(10))
    after = counters(workload)
    after.subtract(before)
    # the case stays overdue from August on: the verification it opens, like the assignment, is due in July
    assert {key[2:]: n for key, n in after.items() if n} == {("", f"{YEAR}-07", "steps", "on_time"): 1}
    with workload.factory() as session:
        keys = session.get(ReportCountedCase, case_id).keys
    assert [f"{YEAR}-07", "received", "", 1] in [key[2:] for key in keys], "a key is stored with its times"
    assert [f"{YEAR}-07", "overdue_from", f"{YEAR}-08", 1] in [key[2:] for key in keys]
    assert [f"{YEAR}-07", "steps", "on_time", 2] in [key[2:] for key in keys], "two steps, one entry"


def decide(world, action, case_id: int, month: int, day: int) -> None:
    at_local(world, month, day)
    with transaction(world.factory) as session:
        action(session, world.services, world.actor("lead1"), case_id=case_id, reason="Theo đơn",
               decided_on=date(YEAR, month, day).isoformat())  # fmt: skip


def overdue_workload(world) -> dict[str, int]:
    """Verifications due a day after they were assigned in March: one left open, one suspended in April and
    resumed in May, one withdrawn, one terminated, one verified late in April, one resolved in June."""
    world.services.issue_documents = False
    at_local(world, 3, 2)
    cases = {}
    for name in ("open", "suspended", "withdrawn", "terminated", "late", "resolved"):
        cases[name] = start_report(world)
        complete(world, cases[name], "screen_report", "officer1", SCREEN_IN)
        complete(world, cases[name], "assign_verification", "lead1", assign_data(1))
    decide(world, suspend_case, cases["suspended"], 4, 10)
    at_local(world, 4, 14)
    complete(world, cases["late"], "verify_report", "officer1", {"findings": "Có cơ sở"})
    decide(world, withdraw_case, cases["withdrawn"], 4, 15)
    decide(world, terminate_case, cases["terminated"], 5, 5)
    decide(world, resume_case, cases["suspended"], 5, 20)
    at_local(world, 6, 10)
    finish(world, cases["resolved"])
    at_local(world, 7, 3)
    return cases


def test_the_overdue_figure_read_from_the_counters_follows_suspension_resumption_and_endings(tally_after, world):
    cases = overdue_workload(world)
    assert (tallied_steps(world) > 5) == (tally_after == 1)
    kept = counters(world)
    with transaction(world.factory) as session:
        rebuild_counters(session.connection(), zone=ZONE)
    assert counters(world) == kept
    boundaries = [datetime(YEAR, month, 1, tzinfo=ZONE) for month in (4, 5, 6, 7)]
    moments = [*boundaries, datetime(YEAR, 4, 20, 10, tzinfo=ZONE), datetime(YEAR, 6, 20, 10, tzinfo=ZONE)]
    overdue = {}
    for now in moments:
        for code in (f"{YEAR}-03", f"{YEAR}-Q1", f"{YEAR}-H1", f"{YEAR}"):
            from_counters, from_cases = both_ways(world, code, "d1", now.astimezone(UTC))
            assert [c.overdue for c in from_counters] == [c.overdue for c in from_cases], (code, now)
        period = parse_period(f"{YEAR}")
        with world.factory() as session:
            summary = build_summary(session, world.services.forms, unit_id=world.units["d1"], period=period,
                                    zone=ZONE, now=now.astimezone(UTC))  # fmt: skip
            _, unit_ids = unit_subtree(session, world.units["d1"])
            scope = Scope.of(unit_ids, period, zone=ZONE, now=now.astimezone(UTC))
            listed = set(session.scalars(select(Case.id).where(figure_condition("overdue", scope))))
        assert len(listed) == summary.figure("overdue").value, now
        overdue[now.month, now.day] = sorted(name for name, case_id in cases.items() if case_id in listed)
    # 1 April: the suspended case's deadline moved past it on resumption; the withdrawn and terminated cases' steps
    # were cancelled. 1 May and 1 June: the late one waits for its conclusion, due 29 April. 1 July: one resolved.
    assert overdue[4, 1] == ["late", "open", "resolved"]
    assert overdue[5, 1] == overdue[6, 1] == ["late", "open", "resolved", "suspended"]
    assert overdue[7, 1] == overdue[6, 20] == ["late", "open", "suspended"]
    assert overdue[4, 20] == ["open", "resolved", "suspended"]  # the late one verified, its conclusion not yet due


def test_the_overdue_figure_of_a_past_month_is_read_from_the_counters(world):
    overdue_workload(world)
    with transaction(world.factory) as session:
        session.execute(update(ReportCount).where(ReportCount.figure == "overdue_from")
                        .values(count=ReportCount.count + 100))  # fmt: skip
    now = datetime(YEAR, 7, 1, tzinfo=ZONE).astimezone(UTC)
    from_counters, from_cases = both_ways(world, f"{YEAR}-03", "d1", now)
    assert from_counters[0].overdue == from_cases[0].overdue + 100
    running = datetime(YEAR, 6, 20, tzinfo=ZONE).astimezone(UTC)  # not a month boundary: counted from the cases
    from_counters, from_cases = both_ways(world, f"{YEAR}", "d1", running)
    assert from_counters[0].overdue == from_cases[0].overdue == 3


def _cases(world) -> int:
    with world.factory() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def test_period_months_and_month_start():
    assert period_months(parse_period("2026-Q2")) == ["2026-04", "2026-05", "2026-06"]
    assert period_months(parse_period("2026-9M"))[-1] == "2026-09" and len(period_months(parse_period("2026"))) == 12
    assert period_months(parse_period("2025-12")) == ["2025-12"]
    assert period_months(range_period(date(2026, 4, 2), date(2026, 4, 30))) == []
    assert period_months(range_period(date(2026, 4, 1), date(2026, 5, 30))) == []
    assert month_start(datetime(2026, 4, 30, 18, tzinfo=UTC), ZONE) == datetime(2026, 5, 1, tzinfo=ZONE)


def test_the_rebuild_command_repairs_counters_changed_behind_the_engines_back(world, database_url, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app
    from engine.core.settings import get_settings

    at_local(world, 4, 2)
    start_report(world)
    resolved(world, "land")
    kept = counters(world)
    with transaction(world.factory) as session:
        session.execute(update(ReportCount).values(count=ReportCount.count + 7))
    assert counters(world) != kept
    monkeypatch.setenv("PHANANH_DATABASE_URL", database_url)
    monkeypatch.setenv("PHANANH_SECRET_KEY", "a-test-secret-shared-by-no-one-" + "x" * 40)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["reports", "rebuild-counters"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "counted 2 cases…" in result.output, "the rebuild shows its progress batch by batch"
    assert "report counters rebuilt from 2 cases (Asia/Ho_Chi_Minh)" in result.output
    assert counters(world) == kept


def test_recounting_an_unchanged_case_reads_its_counted_keys_and_tasks_in_one_statement(world):
    case_id = start_report(world)
    engine = world.factory.kw["bind"]
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    with transaction(world.factory) as session:
        case = session.get(Case, case_id)
        event.listen(engine, "before_cursor_execute", record)
        try:
            recount_case(session, case, zone=world.services.calendar.zone)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1 and "report_counted_cases" in statements[0] and "human_tasks" in statements[0]
    with world.factory() as session:
        stored = session.get(ReportCountedCase, case_id)
        assert stored is not None and stored.keys, "the case counted its reception"


def test_a_case_s_counted_keys_are_read_once_not_with_every_task(world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    complete(world, case_id, "assign_verification", "lead1", assign_data())
    with world.factory() as session:
        stored = session.get(ReportCountedCase, case_id)
        rows = session.connection().execute(COUNTED_WITH_TASKS, {"case_id": case_id}).all()
        tasks = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.case_id == case_id))
    counted = [row for row in rows if row.counted_keys is not None]
    assert tasks >= 3 and len([row for row in rows if row.case_id == case_id]) == tasks, "every step has a deadline"
    assert len(counted) == 1 and counted[0].counted_keys == stored.keys and counted[0].case_id is None
    assert len(rows) == tasks + 1


def test_the_counters_read_only_the_tasks_with_a_deadline_or_an_escalation(world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    complete(world, case_id, "assign_verification", "lead1", assign_data())
    with transaction(world.factory) as session:
        ids = session.scalars(select(HumanTask.id).where(HumanTask.case_id == case_id).order_by(HumanTask.created_at))
        without_deadline, escalated_without_deadline, *_rest = ids.all()
        session.execute(update(HumanTask).where(HumanTask.id.in_([without_deadline, escalated_without_deadline]))
                        .values(due_at=None))  # fmt: skip
        session.execute(update(HumanTask).where(HumanTask.id == escalated_without_deadline).values(escalated=True))
        every_task = session.execute(select(*TASK_COLUMNS).where(HumanTask.case_id == case_id)).all()
        rows = session.connection().execute(COUNTED_WITH_TASKS, {"case_id": case_id}).all()
        case = session.get(Case, case_id)
    read = [row for row in rows if row.case_id is not None]
    assert len(read) == len(every_task) - 1, "the task without a deadline or an escalation is not read"
    assert any(row.escalated and row.due_at is None for row in read), "an escalated task is read, deadline or not"
    assert case_keys(case, read, ZONE) == case_keys(case, every_task, ZONE), "the task left out counted nothing"


def test_a_case_that_never_counted_reads_its_tasks_without_keys(world):
    case_id = start_report(world)
    with transaction(world.factory) as session:
        session.execute(delete(ReportCountedCase).where(ReportCountedCase.case_id == case_id))
    with world.factory() as session:
        rows = session.connection().execute(COUNTED_WITH_TASKS, {"case_id": case_id}).all()
    assert rows and all(row.counted_keys is None and row.case_id == case_id for row in rows)
