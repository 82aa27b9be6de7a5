"""A light view of a BPMN document for the lint: executable processes, their scopes, flow nodes and flows."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.processes.bpmn_xml import BPMN_NS, NAMESPACES

ACTIVITY_TAGS = frozenset(
    {
        "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
        "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    }
)  # fmt: skip
FLOW_NODE_TAGS = ACTIVITY_TAGS | frozenset(
    {
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
    }
)  # fmt: skip
SCOPE_TAGS = frozenset({"process", "subProcess", "transaction", "adHocSubProcess"})


def local_name(element: etree._Element) -> str:
    """The tag without its namespace ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def is_bpmn(element: etree._Element) -> bool:
    """True for elements of the BPMN model namespace."""
    return isinstance(element.tag, str) and etree.QName(element).namespace == BPMN_NS


def xpath(element: etree._Element, path: str) -> list:
    """XPath with the bpmn: and spiffworkflow: prefixes bound."""
    return element.xpath(path, namespaces=NAMESPACES)


@dataclass
class Scope:
    """A process or a sub-process: its own flow nodes and sequence flows."""

    element: etree._Element
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    flows: list[etree._Element] = field(default_factory=list)

    def outgoing(self, node_id: str) -> list[etree._Element]:
        """The sequence flows leaving a node."""
        return [f for f in self.flows if f.get("sourceRef") == node_id]

    def incoming(self, node_id: str) -> list[etree._Element]:
        """The sequence flows entering a node."""
        return [f for f in self.flows if f.get("targetRef") == node_id]

    def boundary_events(self, activity_id: str) -> list[etree._Element]:
        """Boundary events attached to an activity of this scope."""
        return [
            n for n in self.nodes.values() if local_name(n) == "boundaryEvent" and n.get("attachedToRef") == activity_id
        ]


def scopes_of(process: etree._Element) -> Iterator[Scope]:
    """The process and every (nested) sub-process in it, each with its direct flow nodes and flows."""
    pending = [process]
    while pending:
        element = pending.pop(0)
        scope = Scope(element)
        for child in element:
            if not is_bpmn(child):
                continue
            name = local_name(child)
            if name in FLOW_NODE_TAGS and child.get("id"):
                scope.nodes[child.get("id")] = child
            elif name == "sequenceFlow":
                scope.flows.append(child)
            if name in SCOPE_TAGS:
                pending.append(child)
        yield scope


def has_flow_nodes(process: etree._Element) -> bool:
    """True when a process holds at least one flow node (a black-box pool holds none)."""
    return any(is_bpmn(child) and local_name(child) in FLOW_NODE_TAGS for child in process)


def executable_processes(tree: etree._ElementTree) -> list[etree._Element]:
    """Processes SpiffWorkflow would run: not marked isExecutable="false" and not empty (black-box pools)."""
    return [
        process
        for process in xpath(tree.getroot(), "./bpmn:process")
        if process.get("isExecutable", "true") != "false" and has_flow_nodes(process)
    ]


def lanes_by_node(process: etree._Element) -> dict[str, str]:
    """Flow node id → the name of the lane holding it (as SpiffWorkflow reads it), nested lanes included."""
    lanes = {}
    for lane in xpath(process, ".//bpmn:lane[@name]"):
        for ref in xpath(lane, "./bpmn:flowNodeRef"):
            if ref.text and ref.text.strip():
                lanes[ref.text.strip()] = lane.get("name")
    return lanes


def lane_of(element: etree._Element, lanes: dict[str, str]) -> str | None:
    """The lane of a flow node; inside a sub-process without its own lane, the sub-process's (SpiffWorkflow's rule)."""
    while element is not None:
        if element.get("id") in lanes:
            return lanes[element.get("id")]
        element = element.getparent()
        if element is None or local_name(element) == "process":
            return None
    return None
