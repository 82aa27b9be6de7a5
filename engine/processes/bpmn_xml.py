"""Safe reading of BPMN XML: no DTDs, no entities, no network; XSD validation with SpiffWorkflow's schemas."""

import re
from functools import lru_cache

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR

from engine.core.errors import DeploymentProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NAMESPACES = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


# What may come before the root element: an XML declaration, processing instructions, comments, white space.
_PROLOGUE_ITEM = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF32_STARTS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00")
_DECLARED_ENCODING = re.compile(r"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
# The encodings the DOCTYPE pre-check can read for certain; libxml2 knows more (UTF-32, UTF-7, EBCDIC...), and a
# DOCTYPE hidden in one of those would be seen by the parser only, so such files are refused outright.
ACCEPTED_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be"})


def unaccepted_encoding(content: bytes) -> str | None:
    """The name of the document's encoding when it is not UTF-8 or UTF-16, else None."""
    if content.startswith(_UTF32_STARTS):
        return "UTF-32"
    declared = _DECLARED_ENCODING.match(_prologue_text(content))
    if declared and declared.group(1).strip().lower() not in ACCEPTED_ENCODINGS:
        return declared.group(1)
    return None


def _prologue_text(content: bytes) -> str:
    """The document as text, good enough to read its prologue: UTF-16 when it looks so, else byte for byte."""
    if content.startswith(_UTF16_BOMS) or (len(content) > 1 and (content[0] == 0 or content[1] == 0)):
        text = content.decode("utf-16", errors="replace")
    else:
        text = content.decode("latin-1")
    return text.lstrip("\ufeff\u00ef\u00bb\u00bf")


def declares_doctype(content: bytes) -> bool:
    """True when the document's prologue holds a DOCTYPE (the only place entities can be declared).

    Checked on the raw bytes before any parser sees them, so neither an external entity (XXE) nor an entity
    expansion bomb ("billion laughs") ever reaches libxml2.
    """
    text = _prologue_text(content)
    position = 0
    while True:
        match = _PROLOGUE_ITEM.match(text, position)
        if not match or match.end() == position:
            break
        position = match.end()
    return text.startswith("<!DOCTYPE", position)


def parse_bpmn_xml(content: bytes) -> tuple[etree._ElementTree | None, list[DeploymentProblem]]:
    """Parse BPMN bytes safely. Documents with a DOCTYPE (and so any entity), or in an encoding the DOCTYPE check
    cannot read, are refused before parsing."""
    encoding = unaccepted_encoding(content)
    if encoding:
        return None, [DeploymentProblem(None, f"the encoding {encoding} is not accepted: save the file as UTF-8", 1)]
    if declares_doctype(content):
        return None, [DeploymentProblem(None, "DOCTYPE declarations and XML entities are not allowed", 1)]
    try:
        tree = etree.ElementTree(etree.fromstring(content, parser=_safe_parser()))
    except etree.XMLSyntaxError as exc:
        return None, [DeploymentProblem(None, f"XML is not well-formed: {exc.msg}", exc.lineno)]
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return None, [DeploymentProblem(None, "DOCTYPE declarations and XML entities are not allowed", 1)]
    if tree.getroot().tag != f"{{{BPMN_NS}}}definitions":
        return None, [DeploymentProblem(None, "the root element must be bpmn:definitions")]
    return tree, []


@lru_cache(maxsize=1)
def _bpmn_schema() -> etree.XMLSchema:
    return VALIDATOR.validator


def owning_element_id(tree: etree._ElementTree, line: int | None) -> str | None:
    """The id of the nearest element with an id that starts on or before ``line``."""
    if not line:
        return None
    best = None
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.sourceline is not None and element.sourceline <= line and element.get("id"):
            best = element.get("id")
    return best


def validate_against_xsd(tree: etree._ElementTree) -> list[DeploymentProblem]:
    """Check the document against the BPMN 2.0 XSD (with the SpiffWorkflow extension schema)."""
    schema = _bpmn_schema()
    if schema.validate(tree):
        return []
    return [
        DeploymentProblem(owning_element_id(tree, error.line), f"BPMN schema: {error.message}", error.line)
        for error in schema.error_log
    ]


def element_properties(element: etree._Element) -> dict[str, str]:
    """The ``spiffworkflow:properties`` of an element, as SpiffArena's modeler writes them."""
    props = element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NAMESPACES
    )
    return {p.get("name"): p.get("value", "") for p in props if p.get("name")}
