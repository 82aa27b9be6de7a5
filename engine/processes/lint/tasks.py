"""Checks of single elements: Python in scripts, conditions and timers; forms and lanes of user tasks; timers."""

import ast
import re
from datetime import datetime

from lxml import etree

from engine.people.roles import ROLES
from engine.processes.bpmn_xml import element_properties
from engine.processes.forms import FormCatalog
from engine.processes.lint.model import lane_of, lanes_by_node, local_name, xpath
from engine.processes.lint.problems import LintProblem, error, warning
from engine.processes.sandbox import check_python

FORM_PROPERTY = "formJsonSchemaFilename"
# An ISO 8601 date, duration or repeating interval written as it is in Camunda or Signavio files.
ISO_LITERAL = re.compile(r"^(R\d*/)?P(?=[\dT])[\dYMWDTHS.,]*$|^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$")


def python_problems(process: etree._Element) -> list[LintProblem]:
    """ast-check every script, condition, loop condition and timer expression; each problem names its element."""
    problems: list[LintProblem] = []

    def check(owner: etree._Element, source: str | None, mode: str, what: str) -> None:
        problem = check_python(source, mode=mode)
        if problem:
            problems.append(error("python", owner, f"{what}: {problem}{_foreign_hint(source)}"))

    for script in xpath(process, ".//bpmn:scriptTask/bpmn:script"):
        check(script.getparent(), script.text, "exec", "script")
    for tag in ("preScript", "postScript"):
        for script in xpath(process, f".//spiffworkflow:{tag}"):
            check(script.getparent().getparent(), script.text, "exec", tag)
    for condition in xpath(process, ".//bpmn:sequenceFlow/bpmn:conditionExpression"):
        check(condition.getparent(), condition.text, "eval", "condition expression")
    for condition in xpath(process, ".//bpmn:conditionalEventDefinition/bpmn:condition"):
        check(condition.getparent().getparent(), condition.text, "eval", "event condition")
    for condition in xpath(process, ".//bpmn:standardLoopCharacteristics/bpmn:loopCondition"):
        check(condition.getparent().getparent(), condition.text, "eval", "loop condition")
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for timer in xpath(process, f".//bpmn:timerEventDefinition/bpmn:{kind}"):
            problems.extend(_timer_problems(timer.getparent().getparent(), kind, timer.text))
    return problems


def _foreign_hint(source: str | None) -> str:
    text = (source or "").strip()
    if text.startswith(("${", "#{")):
        return " — this is a JUEL expression (Camunda 7); SpiffWorkflow evaluates Python, e.g. approved == True"
    if text.startswith("="):
        return " — this is a FEEL expression (Camunda 8); SpiffWorkflow evaluates Python"
    return ""


def _timer_problems(event: etree._Element, kind: str, text: str | None) -> list[LintProblem]:
    source = (text or "").strip()
    if ISO_LITERAL.match(source):
        return [
            error(
                "timer",
                event,
                f"timer {kind} '{source}' is an ISO 8601 literal, but SpiffWorkflow evaluates timer expressions as "
                f"Python; write it as a quoted string, e.g. \"'{source}'\"",
            )
        ]
    problem = check_python(source, mode="eval")
    if problem:
        return [error("python", event, f"timer {kind}: {problem}")]
    if kind == "timeDate" and _is_zoneless_date(source):
        return [
            warning(
                "timer-zone",
                event,
                f"timer date {source} has no time zone; SpiffWorkflow reads it in the server's zone. "
                "Add one, e.g. +07:00 for Asia/Ho_Chi_Minh",
            )
        ]
    return []


def _is_zoneless_date(source: str) -> bool:
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
        return False
    try:
        return datetime.fromisoformat(node.value).tzinfo is None
    except ValueError:
        return False


def form_problems(process: etree._Element, forms: FormCatalog) -> list[LintProblem]:
    """A named form that does not exist is an error; a user task without a form is a warning."""
    problems = []
    for element in xpath(process, ".//*[@id]"):
        form = element_properties(element).get(FORM_PROPERTY)
        if form is not None:
            problem = forms.problem_with(form)
            if problem:
                problems.append(error("form", element, problem))
        elif local_name(element) == "userTask":
            problems.append(
                warning(
                    "form",
                    element,
                    f"user task '{element.get('id')}' has no form (spiffworkflow property {FORM_PROPERTY}); "
                    "it will show an empty page",
                )
            )
    return problems


def lane_problems(process: etree._Element) -> list[LintProblem]:
    """A user task in no lane, or in a lane that names no role, cannot be claimed by the right people."""
    lanes = lanes_by_node(process)
    problems = []
    for task in xpath(process, ".//bpmn:userTask"):
        lane = lane_of(task, lanes)
        if lane is None:
            problems.append(
                warning(
                    "lane",
                    task,
                    f"user task '{task.get('id')}' is in no lane; the lane names the role that may claim it "
                    f"({', '.join(ROLES)})",
                )
            )
        elif lane not in ROLES:
            problems.append(
                warning("lane", task, f"user task '{task.get('id')}' is in lane '{lane}', which is not a role")
            )
    return problems
