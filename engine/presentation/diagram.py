"""A deployed BPMN diagram as people read it: lanes (which name roles) carry the role's name."""

from lxml import etree

from engine.presentation.labels import ROLES, role_label
from engine.processes.bpmn_xml import NAMESPACES, parse_bpmn_xml


def named_lanes(content: str, lang: str = "vi") -> str:
    """The BPMN XML with each lane named by the role it stands for (``officer`` → "Cán bộ"), for viewing only.

    The stored definition keeps the codes (the runtime assigns tasks by them); XML that cannot be read is
    returned unchanged.
    """
    tree, problems = parse_bpmn_xml(content.encode("utf-8"))
    if tree is None or problems:
        return content
    renamed = False
    for lane in tree.xpath("//bpmn:lane[@name]", namespaces=NAMESPACES):
        if lane.get("name") in ROLES:
            lane.set("name", role_label(lane.get("name"), lang))
            renamed = True
    if not renamed:
        return content
    return etree.tostring(tree, encoding="unicode")
