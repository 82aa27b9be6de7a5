"""Every step of the 1374 procedure has a deadline: a ``deadlineDays`` property, or the verification timer."""

from datetime import timedelta

from lxml import etree

from engine.core.settings import PROJECT_ROOT
from engine.processes.bpmn_xml import NAMESPACES
from engine.processes.deployment import build_catalog
from engine.processes.lint import lint_bpmn
from engine.processes.step_deadlines import StepDeadline
from tests.cases import SCREEN_IN, complete, start_report, walk_to_verification

REPORT_1374 = PROJECT_ROOT / "processes" / "report_1374.bpmn"


def test_the_screening_step_is_due_seven_working_days_after_it_opens(world):
    opened = world.clock.now()
    case_id = start_report(world)
    task = world.ready_task(case_id, "screen_report")
    expected = world.services.calendar.add_working_days(opened, 7)
    assert task.due_at is not None and task.due_at == expected
    assert task.due_at - opened >= timedelta(days=7), "working days are never fewer than calendar days"


def test_each_step_counts_from_the_moment_it_opens(world):
    case_id = start_report(world)
    world.clock.advance(timedelta(days=3))
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    task = world.ready_task(case_id, "assign_verification")
    assert task.due_at == world.services.calendar.add_working_days(world.clock.now(), 5)


def test_verification_keeps_the_deadline_the_team_lead_sets_through_its_timer(world):
    start = world.clock.now()
    case_id = walk_to_verification(world, days=20, day_type="calendar")
    task = world.ready_task(case_id, "verify_report")
    assert task.due_at == world.services.calendar.add_calendar_days(start, 20)


def test_every_user_task_of_the_1374_procedure_has_a_deadline():
    tree = etree.parse(str(REPORT_1374))
    catalog = build_catalog(tree, "report_1374")
    user_tasks = {task.get("id") for task in tree.xpath("//bpmn:userTask", namespaces=NAMESPACES)}
    with_timer = {t["attached_to"] for t in catalog["timers"].values() if t["role"] == "escalation"}
    assert user_tasks and user_tasks - set(catalog["deadlines"]) - with_timer == set()
    assert catalog["deadlines"]["screen_report"] == {"days": 7, "day_type": "working"}


def test_calendar_days_count_weekends(world):
    calendar, now = world.services.calendar, world.clock.now()
    assert StepDeadline(10, "calendar").due_at(calendar, now) == now.astimezone(calendar.zone) + timedelta(days=10)
    assert StepDeadline(10, "working").due_at(calendar, now) > StepDeadline(10, "calendar").due_at(calendar, now)


def _lint_with(world, old: str, new: str):
    content = REPORT_1374.read_text(encoding="utf-8")
    assert old in content
    return lint_bpmn(content.replace(old, new, 1).encode(), "report_1374.bpmn", world.services.forms)


def test_the_lint_refuses_a_deadline_that_is_not_a_whole_number_of_days(world):
    report = _lint_with(world, '"deadlineDays" value="7"', '"deadlineDays" value="bảy"')
    assert [p.check for p in report.errors] == ["deadline"]
    assert report.errors[0].element_id == "screen_report" and "bảy" in report.errors[0].message


def test_the_lint_refuses_an_unknown_way_of_counting_days(world):
    report = _lint_with(world, '"deadlineDayType" value="working"', '"deadlineDayType" value="lunar"')
    assert [p.check for p in report.errors] == ["deadline"] and "lunar" in report.errors[0].message


def test_the_shipped_1374_procedure_lints_clean(world):
    report = lint_bpmn(REPORT_1374.read_bytes(), "report_1374.bpmn", world.services.forms)
    assert report.errors == [] and report.warnings == []
