"""Element-level difference between two deployed BPMN versions, matched by element id.

Each element of the process (tasks, events, gateways, sequence flows) is reduced to the properties that change
how a case runs: type, name, lane, form, script, condition, timer, incoming and outgoing flows, and the
spiffworkflow properties. Elements present in one version only are added or removed; the others are changed
when any of those properties differ, with one human-readable line per difference.
"""

from dataclasses import dataclass, field

from lxml import etree

from engine.core.errors import BadRequest
from engine.processes.bpmn_xml import NAMESPACES, element_properties, parse_bpmn_xml

SKIPPED_TAGS = {"laneSet", "lane", "flowNodeRef", "documentation", "extensionElements", "incoming", "outgoing"}
TEXT_PARTS = {
    "script": "./bpmn:script",
    "condition": "./bpmn:conditionExpression",
    "timer": "./bpmn:timerEventDefinition/*",
}


@dataclass(frozen=True)
class DiffElement:
    """An element of a diagram as the diff shows it."""

    id: str
    type: str
    name: str | None


@dataclass(frozen=True)
class ChangedElement(DiffElement):
    """An element present in both versions, with what changed."""

    changes: tuple[str, ...] = ()


@dataclass
class VersionDiff:
    """Added, removed and changed elements of the newer version compared with the older one."""

    added: list[DiffElement] = field(default_factory=list)
    removed: list[DiffElement] = field(default_factory=list)
    changed: list[ChangedElement] = field(default_factory=list)


def _texts(element: etree._Element, path: str) -> str | None:
    found = [" ".join((node.text or "").split()) for node in element.xpath(path, namespaces=NAMESPACES)]
    return "; ".join(found) if found else None


def _signature(element: etree._Element, lanes: dict[str, str]) -> dict[str, object]:
    """The properties of one element that matter to a running case."""
    element_id = element.get("id")
    signature: dict[str, object] = {
        "type": etree.QName(element).localname,
        "name": element.get("name"),
        "lane": lanes.get(element_id),
        "incoming": sorted(n.text.strip() for n in element.xpath("./bpmn:incoming", namespaces=NAMESPACES) if n.text),
        "outgoing": sorted(n.text.strip() for n in element.xpath("./bpmn:outgoing", namespaces=NAMESPACES) if n.text),
        "attached to": element.get("attachedToRef"),
        "source": element.get("sourceRef"),
        "target": element.get("targetRef"),
        "interrupting": element.get("cancelActivity"),
    }
    for label, path in TEXT_PARTS.items():
        signature[label] = _texts(element, path)
    properties = element_properties(element)
    signature["form"] = properties.pop("formJsonSchemaFilename", None)
    for name, value in sorted(properties.items()):
        signature[f"property {name}"] = value
    return signature


def _elements(content: str) -> dict[str, tuple[etree._Element, dict[str, object]]]:
    tree, problems = parse_bpmn_xml(content.encode("utf-8"))
    if tree is None:
        raise BadRequest(f"stored BPMN cannot be read: {problems[0]}")
    found = {}
    for process in tree.xpath("//bpmn:process", namespaces=NAMESPACES):
        lanes = {
            ref.text.strip(): lane.get("name") or lane.get("id")
            for lane in process.xpath(".//bpmn:lane", namespaces=NAMESPACES)
            for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NAMESPACES)
            if ref.text
        }
        for element in process.iterdescendants():
            if not isinstance(element.tag, str) or not element.get("id"):
                continue
            if etree.QName(element).localname in SKIPPED_TAGS or element.getparent().tag != process.tag:
                continue
            found[element.get("id")] = (element, _signature(element, lanes))
    return found


def _describe(key: str, old: object, new: object) -> str:
    def shown(value: object) -> str:
        if value is None or value == []:
            return "∅"
        return ", ".join(value) if isinstance(value, list) else f"'{value}'"

    return f"{key}: {shown(old)} → {shown(new)}"


def _name(signature: dict[str, object]) -> str | None:
    """The element's name attribute, if it has one."""
    name = signature["name"]
    return name if isinstance(name, str) else None


def diff_versions(old_content: str, new_content: str) -> VersionDiff:
    """The element-level difference from ``old_content`` to ``new_content`` (two BPMN XML documents)."""
    old, new = _elements(old_content), _elements(new_content)
    result = VersionDiff()
    for element_id, (_, signature) in new.items():
        if element_id not in old:
            result.added.append(DiffElement(element_id, str(signature["type"]), _name(signature)))
    for element_id, (_, signature) in old.items():
        if element_id not in new:
            result.removed.append(DiffElement(element_id, str(signature["type"]), _name(signature)))
            continue
        new_signature = new[element_id][1]
        keys = list(dict.fromkeys([*signature, *new_signature]))
        changes = tuple(
            _describe(key, signature.get(key), new_signature.get(key))
            for key in keys
            if signature.get(key) != new_signature.get(key)
        )
        if changes:
            name = _name(new_signature) or _name(signature)
            result.changed.append(ChangedElement(element_id, str(new_signature["type"]), name, changes))
    return result
