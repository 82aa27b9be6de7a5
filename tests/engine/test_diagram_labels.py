"""Readable diagrams: every named boundary event of the shipped processes has its label placed clear of its task
and of every other activity and gateway, rather than where bpmn-js would put it by default (over the task)."""

from pathlib import Path

import pytest
from lxml import etree

from engine.core.settings import PROJECT_ROOT

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
}
SOLID = ("task", "userTask", "serviceTask", "scriptTask", "manualTask", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
         "inclusiveGateway", "eventBasedGateway")  # fmt: skip
PROCESSES = sorted((PROJECT_ROOT / "processes").glob("*.bpmn"))


def _box(element) -> tuple[float, float, float, float]:
    bounds = element.find("dc:Bounds", NS)
    x, y, width, height = (float(bounds.get(name)) for name in ("x", "y", "width", "height"))
    return x, y, x + width, y + height


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("path", PROCESSES, ids=lambda path: Path(path).name)
def test_boundary_event_labels_sit_clear_of_tasks(path):
    tree = etree.parse(str(path))
    shapes = {shape.get("bpmnElement"): shape for shape in tree.iterfind(".//bpmndi:BPMNShape", NS)}
    solid = [
        (element.get("id"), _box(shapes[element.get("id")]))
        for kind in SOLID
        for element in tree.iterfind(f".//bpmn:{kind}", NS)
        if element.get("id") in shapes
    ]
    for event in tree.iterfind(".//bpmn:boundaryEvent", NS):
        if not event.get("name"):
            continue
        label = shapes[event.get("id")].find("bpmndi:BPMNLabel", NS)
        assert label is not None, f"{event.get('id')} has no label position: bpmn-js would draw it over its task"
        box = _box(label)
        clashes = [element_id for element_id, other in solid if _overlap(box, other)]
        assert not clashes, f"the label of {event.get('id')} covers {clashes}"
