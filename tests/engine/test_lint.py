"""The lint before deploy: each check finds its problem at the right element, and leaves a good file alone."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from engine.core.settings import PROJECT_ROOT
from engine.processes.forms import FormCatalog
from engine.processes.lint import LintReport, lint_bpmn
from tests.factories import PROCESSES

FORMS = FormCatalog(PROJECT_ROOT / "forms")
IMPORTS = Path(__file__).parents[1] / "fixtures" / "imports"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="t">\n'
)
LANES = '<bpmn:laneSet id="lanes"><bpmn:lane id="lane_officer" name="officer">{refs}</bpmn:lane></bpmn:laneSet>\n'


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    """A sequence flow, with a Python condition when given."""
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />\n'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>\n"
    )


def form(name: str) -> str:
    """The extension naming a task's JSON Schema form."""
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="formJsonSchemaFilename" value="{name}" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def user_task(task_id: str, form_name: str | None = "screen_report.schema.json") -> str:
    """A user task with a form (or without one)."""
    return f'<bpmn:userTask id="{task_id}">{form(form_name) if form_name else ""}</bpmn:userTask>\n'


def script(task_id: str, source: str) -> str:
    """A Python script task."""
    return (
        f'<bpmn:scriptTask id="{task_id}" scriptFormat="python"><bpmn:script>{source}</bpmn:script></bpmn:scriptTask>\n'
    )


def document(body: str, *, lane_refs: tuple[str, ...] = (), process_id: str = "p", outside: str = "") -> bytes:
    """A BPMN document with one executable process; the listed nodes sit in the 'officer' lane."""
    lanes = LANES.format(refs="".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in lane_refs))
    process = (
        f'<bpmn:process id="{process_id}" isExecutable="true">\n{lanes if lane_refs else ""}{body}</bpmn:process>\n'
    )
    return (HEAD + outside + process + "</bpmn:definitions>\n").encode()


def straight(*middle: str, ids: tuple[str, ...]) -> str:
    """start → the given nodes (by id, in order) → end."""
    chain = ("start", *ids, "end")
    flows = "".join(flow(f"f{i}", a, b) for i, (a, b) in enumerate(zip(chain, chain[1:], strict=False)))
    return '<bpmn:startEvent id="start" />\n' + "".join(middle) + '<bpmn:endEvent id="end" />\n' + flows


def lint(content: bytes) -> LintReport:
    return lint_bpmn(content, "test.bpmn", FORMS)


def found(report: LintReport, check: str) -> list[tuple[str, str | None]]:
    """(severity, element id) of each problem of one check."""
    return [(p.severity, p.element_id) for p in report.problems if p.check == check]


def gateway_process(
    *conditions: str | None, default: str | None = None, form_name: str = "approve_conclusion"
) -> bytes:
    """A user task (whose form gives the gateway's fields) then an exclusive gateway with one flow per condition."""
    default_attr = f' default="{default}"' if default else ""
    body = '<bpmn:startEvent id="start" />\n' + user_task("decide", f"{form_name}.schema.json")
    body += f'<bpmn:exclusiveGateway id="gw"{default_attr} />\n'
    body += flow("f_start", "start", "decide") + flow("f_decide", "decide", "gw")
    for i, condition in enumerate(conditions):
        body += f'<bpmn:endEvent id="end_{i}" />\n' + flow(f"out_{i}", "gw", f"end_{i}", condition)
    return document(body, lane_refs=("decide",))


@pytest.mark.parametrize("name", ["report_1374.bpmn", "periodic_report.bpmn"])
def test_the_shipped_processes_lint_without_any_problem(name):
    report = lint((PROCESSES / name).read_bytes())
    assert report.ok and report.problems == [] and report.process_key == name.removesuffix(".bpmn")


def test_xml_that_is_not_well_formed_is_an_error_with_its_line():
    report = lint(HEAD.encode() + b'<bpmn:process id="p">\n<bpmn:task id="t">\n</bpmn:definitions>')
    assert not report.ok and report.problems[0].check == "xml" and report.problems[0].line in (4, 5)
    assert lint(document(straight(ids=()))).ok


def test_a_schema_error_names_the_element_and_line():
    content = document(straight('<bpmn:task id="t" bogus="1" />\n', ids=("t",)))
    report = lint(content)
    assert ("error", "t") in found(report, "xsd")
    bogus_line = content.decode().splitlines().index('<bpmn:task id="t" bogus="1" />') + 1
    assert next(p for p in report.problems if p.check == "xsd").line == bogus_line


@pytest.mark.parametrize("name", sorted(p.name for p in IMPORTS.glob("*.bpmn")))
def test_vendor_namespaces_do_not_break_schema_validation(name):
    """camunda:, zeebe:, signavio:, bizagi: extension elements and bioc:/color: DI attributes are all valid BPMN."""
    assert found(lint((IMPORTS / name).read_bytes()), "xsd") == []


def test_what_spiffworkflow_refuses_is_an_error_at_its_element():
    report = lint(document('<bpmn:task id="t" /><bpmn:endEvent id="end" />' + flow("f", "t", "end")))
    assert found(report, "spiffworkflow") == [("error", "p")]
    assert "No start event" in report.errors[0].message


def test_python_errors_in_scripts_conditions_and_timers_are_errors_at_their_elements():
    body = straight(script("bad_script", "x = = 1"), ids=("bad_script",))
    assert found(lint(document(body)), "python") == [("error", "bad_script")]
    assert found(lint(document(straight(script("good", "x = 1"), ids=("good",)))), "python") == []
    report = lint(gateway_process("decision == 'approve'", "decision ==", default="out_0"))
    assert found(report, "python") == [("error", "out_1")]


def test_a_timer_given_as_a_bare_iso_literal_is_an_error_with_the_quoted_fix():
    timer = (
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{}</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n"
    )
    report = lint(document(straight(timer.format("PT5M"), ids=("wait",))))
    assert found(report, "timer") == [("error", "wait")] and "'PT5M'" in report.errors[0].message
    assert lint(document(straight(timer.format("'PT5M'"), ids=("wait",)))).problems == []


def test_a_zone_less_timer_date_is_a_warning_and_a_zoned_one_is_not():
    timer = (
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">{}</bpmn:timeDate>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n"
    )
    report = lint(document(straight(timer.format("'2027-03-01T08:00:00'"), ids=("wait",))))
    assert found(report, "timer-zone") == [("warning", "wait")] and report.ok
    assert lint(document(straight(timer.format("'2027-03-01T08:00:00+07:00'"), ids=("wait",)))).problems == []


def test_a_user_task_without_a_lane_is_a_warning():
    body = straight(user_task("screen"), ids=("screen",))
    assert found(lint(document(body)), "lane") == [("warning", "screen")]
    assert found(lint(document(body, lane_refs=("screen",))), "lane") == []


def test_a_user_task_in_a_sub_process_takes_the_sub_process_lane():
    inner = '<bpmn:startEvent id="in_start" />' + user_task("inner_task") + '<bpmn:endEvent id="in_end" />'
    inner += flow("i1", "in_start", "inner_task") + flow("i2", "inner_task", "in_end")
    body = straight(f'<bpmn:subProcess id="sub">{inner}</bpmn:subProcess>\n', ids=("sub",))
    assert found(lint(document(body, lane_refs=("sub",))), "lane") == []
    assert found(lint(document(body)), "lane") == [("warning", "inner_task")]


def test_a_user_task_without_a_form_is_a_warning_and_a_missing_form_an_error():
    report = lint(document(straight(user_task("screen", None), ids=("screen",)), lane_refs=("screen",)))
    assert found(report, "form") == [("warning", "screen")] and report.ok
    report = lint(
        document(straight(user_task("screen", "nowhere.schema.json"), ids=("screen",)), lane_refs=("screen",))
    )
    assert found(report, "form") == [("error", "screen")] and "nowhere.schema.json" in report.errors[0].message


def test_a_gateway_whose_conditions_may_all_be_false_gets_a_warning_with_an_example():
    report = lint(gateway_process("decision == 'approve'", "decision == 'approve' and rework_round &gt; 2"))
    assert found(report, "gateway-default") == [("warning", "gw")]
    assert 'decision = "send_back"' in report.warnings[0].message


def test_a_gateway_with_a_default_flow_or_conditions_covering_every_case_is_fine():
    assert found(lint(gateway_process("decision == 'approve'", "False", default="out_1")), "gateway-default") == []
    every_value = gateway_process("decision == 'approve'", "decision in ('send_back',)")
    assert found(lint(every_value), "gateway-default") == []
    complementary = gateway_process("rework_round &lt; limit", "rework_round &gt;= limit")
    assert found(lint(complementary), "gateway-default") == []
    negation = gateway_process("decision != 'approve'", "not decision != 'approve'")
    assert found(lint(negation), "gateway-default") == []


def test_a_non_default_flow_without_a_condition_out_of_a_gateway_is_an_error():
    report = lint(gateway_process("decision == 'approve'", None))
    assert found(report, "gateway-condition") == [("error", "out_1")]
    assert found(lint(gateway_process("decision == 'approve'", None, default="out_1")), "gateway-condition") == []


def loop_process(round_script: str, extra: str = "", condition: str = "again == True") -> bytes:
    """review → decide → (again) rework → review, or → end."""
    body = (
        '<bpmn:startEvent id="start" />\n'
        + user_task("review", "approve_conclusion.schema.json")
        + script("rework", round_script)
        + '<bpmn:exclusiveGateway id="decide" default="to_end" />\n<bpmn:endEvent id="end" />\n'
        + extra
        + flow("f1", "start", "review")
        + flow("f2", "review", "decide")
        + flow("to_rework", "decide", "rework", condition)
        + flow("to_end", "decide", "end")
        + flow("back", "rework", "review")
    )
    return document(body, lane_refs=("review",))


def test_a_loop_without_a_bound_is_a_warning_at_its_deciding_gateway():
    report = lint(loop_process("note = 'again'"))
    assert found(report, "unbounded-loop") == [("warning", "decide")]
    assert "review → rework → decide" in report.warnings[0].message


def test_a_counter_tested_in_a_condition_bounds_a_loop():
    bounded = loop_process("rounds = rounds + 1", condition="again == True and rounds &lt; 3")
    assert found(lint(bounded), "unbounded-loop") == []
    counted_but_not_tested = loop_process("rounds += 1")
    assert found(lint(counted_but_not_tested), "unbounded-loop") == [("warning", "decide")]


def test_a_loop_bound_property_or_an_interrupting_timer_bounds_a_loop():
    stated = loop_process("note = 1").replace(
        b'<bpmn:exclusiveGateway id="decide" default="to_end" />',
        b'<bpmn:exclusiveGateway id="decide" default="to_end"><bpmn:extensionElements><spiffworkflow:properties>'
        b'<spiffworkflow:property name="loopBound" value="at most three rounds" />'
        b"</spiffworkflow:properties></bpmn:extensionElements></bpmn:exclusiveGateway>",
    )
    assert found(lint(stated), "unbounded-loop") == []
    timer = (
        '<bpmn:boundaryEvent id="give_up" attachedToRef="review"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration xsi:type=\"bpmn:tFormalExpression\">'P30D'</bpmn:timeDuration>"
        '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="gave_up" />'
        + flow("f_give_up", "give_up", "gave_up")
    )
    assert found(lint(loop_process("note = 1", extra=timer)), "unbounded-loop") == []


def test_unreachable_elements_and_elements_without_a_path_to_an_end_are_warnings():
    body = straight('<bpmn:task id="t" />', ids=("t",)) + '<bpmn:task id="orphan" />\n' + flow("fo", "orphan", "end")
    assert found(lint(document(body)), "unreachable") == [("warning", "orphan")]
    spinning = (
        '<bpmn:startEvent id="start" /><bpmn:task id="a" /><bpmn:task id="b" />'
        + flow("f1", "start", "a")
        + flow("f2", "a", "b")
        + flow("f3", "b", "a")
    )
    report = lint(document(spinning))
    assert sorted(found(report, "no-path-to-end")) == [("warning", "a"), ("warning", "b"), ("warning", "start")]
    assert found(lint(document(straight('<bpmn:task id="t" />', ids=("t",)))), "no-path-to-end") == []


@pytest.mark.parametrize(
    ("snippet", "element_id"),
    [
        ('<bpmn:complexGateway id="cx" />', "cx"),
        (
            '<bpmn:intermediateThrowEvent id="lk"><bpmn:linkEventDefinition name="a" /></bpmn:intermediateThrowEvent>',
            "lk",
        ),
        ('<bpmn:intermediateThrowEvent id="cp"><bpmn:compensateEventDefinition /></bpmn:intermediateThrowEvent>', "cp"),
        ('<bpmn:task id="undo" isForCompensation="true" />', "undo"),
        ('<bpmn:adHocSubProcess id="adhoc" ordering="Sequential" />'.replace("Sequential", "sequential"), "adhoc"),
        ('<bpmn:serviceTask id="svc" />', "svc"),
    ],
)
def test_elements_spiffworkflow_cannot_execute_are_errors_naming_them(snippet, element_id):
    report = lint(document(straight(snippet + "\n", ids=(element_id,))))
    assert element_id in {p.element_id for p in report.errors}


def test_a_transaction_without_compensation_is_executable():
    transaction = (
        '<bpmn:transaction id="tx"><bpmn:startEvent id="tx_start" /><bpmn:scriptTask id="book" scriptFormat="python">'
        '<bpmn:script>booked = True</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="tx_end" />'
        + flow("t1", "tx_start", "book")
        + flow("t2", "book", "tx_end")
        + "</bpmn:transaction>\n"
    )
    report = lint(document(straight(transaction, ids=("tx",))))
    assert report.ok and report.problems == []


def test_a_collaboration_deploys_its_one_executable_pool_and_refuses_several():
    pools = (
        '<bpmn:collaboration id="c"><bpmn:participant id="citizen" name="Công dân" />'
        '<bpmn:participant id="office" processRef="p" /></bpmn:collaboration>\n'
        '<bpmn:process id="documented_only" isExecutable="false"><bpmn:task id="x" /></bpmn:process>\n'
    )
    report = lint(document(straight(ids=()), outside=pools))
    assert report.ok and report.process_key == "p"
    twice = document(straight(ids=()), outside=pools.replace('isExecutable="false"', 'isExecutable="true"'))
    assert sorted(found(lint(twice), "process")) == [("error", "documented_only"), ("error", "p")]


def test_the_lint_command_prints_each_problem_and_exits_1_on_errors():
    runner = CliRunner()
    good = runner.invoke(app, ["lint", str(PROCESSES)])
    assert good.exit_code == 0 and "report_1374.bpmn: ok (0 errors, 0 warnings)" in good.output
    bad = runner.invoke(app, ["lint", str(IMPORTS / "complex_gateway.bpmn"), str(IMPORTS / "camunda7_screening.bpmn")])
    assert bad.exit_code == 1
    assert "complex_gateway.bpmn: error Gateway_two_of_three 9 complexGateway" in bad.output
    assert "camunda7_screening.bpmn: warning Task_archive 42 user task" in bad.output
    assert runner.invoke(app, ["lint", "/nowhere.bpmn"]).exit_code == 1


def service_task(task_id: str, operator: str) -> str:
    """A service task calling a spiffworkflow service operator."""
    return (
        f'<bpmn:serviceTask id="{task_id}"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="result">'
        "<spiffworkflow:parameters /></spiffworkflow:serviceTaskOperator>"
        "</bpmn:extensionElements></bpmn:serviceTask>\n"
    )


def test_a_service_task_calling_an_unregistered_operator_is_an_error_naming_the_registered_ones():
    report = lint(document(straight(service_task("svc", "send_fax"), ids=("svc",))))
    assert found(report, "service-operator") == [("error", "svc")]
    [problem] = [p for p in report.problems if p.check == "service-operator"]
    assert "'send_fax', which does not exist" in problem.message
    assert "record_case_statistics" in problem.message and "open_matter" in problem.message
    assert not report.ok


def test_a_service_task_calling_a_registered_operator_passes_the_operator_check():
    report = lint(document(straight(service_task("svc", "record_case_statistics"), ids=("svc",))))
    assert found(report, "service-operator") == []
    assert report.ok, report.problems


def startable_by(value: str) -> bytes:
    """A straight process whose ``startableBy`` property is ``value``."""
    extension = (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="startableBy" value="{value}" />'
        "</spiffworkflow:properties></bpmn:extensionElements>\n"
    )
    return document(extension + straight(script("work", "x = 1"), ids=("work",)))


def test_an_unknown_role_in_startable_by_is_an_error_naming_it():
    report = lint(startable_by("supervisor, desinger"))

    assert found(report, "startable-by") == [("error", "p")]
    [problem] = [p for p in report.problems if p.check == "startable-by"]
    assert "'desinger'" in problem.message and "not a role" in problem.message
    assert not report.ok


@pytest.mark.parametrize("value", ["system", "officer, team_lead", "supervisor"])
def test_known_roles_or_system_in_startable_by_pass(value):
    report = lint(startable_by(value))

    assert found(report, "startable-by") == []
    assert report.ok, report.problems


@pytest.mark.parametrize(
    ("value", "severity"), [(" , ", "error"), ("system, officer", "warning"), ("designer", "warning")]
)
def test_an_empty_or_ineffective_startable_by_is_flagged(value, severity):
    report = lint(startable_by(value))

    assert found(report, "startable-by") == [(severity, "p")]
