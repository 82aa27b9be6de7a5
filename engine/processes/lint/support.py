"""Elements SpiffWorkflow 3.2.0 cannot execute, found by reading its parser.

``SpiffBpmnParser`` maps BPMN tags to task parsers (``BpmnParser.PARSER_CLASSES`` plus the spiff
``OVERRIDE_PARSER_CLASSES``). A flow node without an entry makes ``ProcessParser.parse_node`` fail — but only when
the node is reached from a start event, so an unreachable one would slip through. And each event parser reads
only some event definitions (``StartEventParser`` reads message, signal, timer, conditional...); any other
definition is silently dropped and the event runs as a plain "none" event, which changes what the process does.
This module reports both, for every element of the executable processes, before SpiffWorkflow is asked.

Supported and accepted: tasks of every kind, sub-processes, call activities, ``transaction`` (a
``TransactionSubprocess``; cancel end events and cancel boundary events are parsed), parallel ad-hoc
sub-processes, exclusive/inclusive/parallel/event-based gateways, standard loops and multi-instance markers.
"""

from lxml import etree

from engine.processes.bpmn_xml import SPIFF_NS
from engine.processes.lint.model import is_bpmn, local_name, xpath
from engine.processes.lint.problems import LintProblem, error

CHECK = "unsupported-element"

UNSUPPORTED_FLOW_NODES = {
    "complexGateway": "a complex gateway (SpiffWorkflow has no parser for it; use an inclusive or exclusive gateway)",
}

# The event definitions each SpiffWorkflow event parser reads (SpiffWorkflow/bpmn/parser/event_parsers.py).
SUPPORTED_EVENT_DEFINITIONS = {
    "startEvent": {"message", "signal", "timer", "conditional"},
    "endEvent": {"message", "cancel", "error", "escalation", "terminate"},
    "intermediateCatchEvent": {"message", "signal", "timer", "conditional"},
    "intermediateThrowEvent": {"escalation", "message", "signal", "timer"},
    "boundaryEvent": {"cancel", "error", "escalation", "message", "signal", "timer", "conditional"},
}
EVENT_LABELS = {
    "startEvent": "start event",
    "endEvent": "end event",
    "intermediateCatchEvent": "intermediate catch event",
    "intermediateThrowEvent": "intermediate throw event",
    "boundaryEvent": "boundary event",
}


def unsupported_elements(process: etree._Element) -> list[LintProblem]:
    """One error per element of ``process`` that SpiffWorkflow cannot execute as drawn."""
    problems = []
    for element in process.iter():
        if not is_bpmn(element):
            continue
        name = local_name(element)
        if name in UNSUPPORTED_FLOW_NODES:
            problems.append(
                error(CHECK, element, f"{_label(element)} is not supported: {UNSUPPORTED_FLOW_NODES[name]}")
            )
        elif name in SUPPORTED_EVENT_DEFINITIONS:
            problems.extend(_event_problems(element, name))
        elif name == "adHocSubProcess" and element.get("ordering") == "sequential":
            problems.append(
                error(CHECK, element, f"{_label(element)}: sequential ad-hoc sub-processes are not supported")
            )
        elif name == "serviceTask" and not element.xpath(".//s:serviceTaskOperator", namespaces={"s": SPIFF_NS}):
            problems.append(
                error(
                    "service-task",
                    element,
                    f"{_label(element)} has no spiffworkflow:serviceTaskOperator; other modelers' implementations "
                    "(camunda:class, camunda:expression, zeebe:taskDefinition...) cannot run here",
                )
            )
        if element.get("isForCompensation") == "true":
            problems.append(
                error(CHECK, element, f"{_label(element)} is a compensation handler; compensation is not supported")
            )
    return problems


def _event_problems(event: etree._Element, name: str) -> list[LintProblem]:
    problems = []
    for definition in event:
        if not is_bpmn(definition) or not local_name(definition).endswith("EventDefinition"):
            continue
        kind = local_name(definition).removesuffix("EventDefinition")
        if kind in SUPPORTED_EVENT_DEFINITIONS[name]:
            continue
        problems.append(
            error(
                CHECK,
                event,
                f"{_label(event)}: a {kind} {EVENT_LABELS[name]} is not supported by SpiffWorkflow "
                f"(supported here: {', '.join(sorted(SUPPORTED_EVENT_DEFINITIONS[name]))})",
            )
        )
    return problems


def _label(element: etree._Element) -> str:
    name = element.get("name")
    return f"{local_name(element)} '{element.get('id')}'" + (f" ({name})" if name else "")


def event_kinds(event: etree._Element) -> set[str]:
    """The kinds of the event definitions of an event: {'timer'}, {'message', 'signal'}..."""
    return {
        local_name(d).removesuffix("EventDefinition")
        for d in xpath(event, "./*")
        if is_bpmn(d) and local_name(d).endswith("EventDefinition")
    }
