"""Checks of the official documents a step issues (its ``documentKinds`` property): each kind exists and has a
template, and every field the template prints is produced by the form of this step or of a step before it, or by
the standard context (``STANDARD_KEYS``). An unknown kind or a missing template refuses deployment; a
field nothing produces is a warning (the draft prints a dotted blank there)."""

from pathlib import Path

from lxml import etree

from engine.core.errors import DomainError
from engine.documents.kinds import DOCUMENT_KINDS_PROPERTY, DocumentKind, parse_document_kinds
from engine.documents.template_check import template_variables
from engine.documents.template_files import TEMPLATES_DIR, template_path
from engine.documents.template_texts import STANDARD_KEYS
from engine.processes.bpmn_xml import element_properties
from engine.processes.forms import FormCatalog
from engine.processes.lint.model import local_name, xpath
from engine.processes.lint.problems import LintProblem, error, warning

FORM_PROPERTY = "formJsonSchemaFilename"


def _predecessors(process: etree._Element, node_id: str) -> set[str]:
    """Every element from which ``node_id`` can be reached (sequence flows, and boundary events from their task)."""
    sources: dict[str, set[str]] = {}
    for flow in xpath(process, ".//bpmn:sequenceFlow"):
        sources.setdefault(flow.get("targetRef", ""), set()).add(flow.get("sourceRef", ""))
    for event in xpath(process, ".//bpmn:boundaryEvent"):
        sources.setdefault(event.get("id", ""), set()).add(event.get("attachedToRef", ""))
    seen: set[str] = set()
    todo = [node_id]
    while todo:
        for source in sources.get(todo.pop(), set()):
            if source not in seen:
                seen.add(source)
                todo.append(source)
    return seen


def _form_fields(forms: FormCatalog, name: str) -> set[str]:
    try:
        schema = forms.schema(name)
    except DomainError:
        return set()
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return set(properties) if isinstance(properties, dict) else set()


def produced_fields(process: etree._Element, task: etree._Element, forms: FormCatalog) -> set[str]:
    """The fields the forms of ``task`` and of every element before it produce."""
    before = _predecessors(process, task.get("id", "")) | {task.get("id", "")}
    fields: set[str] = set()
    for element in xpath(process, ".//*[@id]"):
        form = element_properties(element).get(FORM_PROPERTY)
        if form and element.get("id") in before:
            fields |= _form_fields(forms, form)
    return fields


def document_problems(
    process: etree._Element, forms: FormCatalog, templates_dir: Path = TEMPLATES_DIR
) -> list[LintProblem]:
    """Unknown kinds and missing templates (errors), and template fields no earlier step produces (warnings)."""
    problems: list[LintProblem] = []
    known = {kind.value for kind in DocumentKind}
    for element in xpath(process, ".//*[@id]"):
        value = element_properties(element).get(DOCUMENT_KINDS_PROPERTY)
        if value is None:
            continue
        if local_name(element) != "userTask":
            problems.append(error("document", element, "documentKinds is only read on a user task"))
            continue
        produced: set[str] | None = None
        for kind in parse_document_kinds(value):
            if kind not in known:
                listed = ", ".join(sorted(known))
                problems.append(error("document", element, f"document kind '{kind}' does not exist (kinds: {listed})"))
                continue
            path = template_path(kind, templates_dir)
            if not path.is_file():
                problems.append(error("document", element, f"document kind '{kind}' has no template"))
                continue
            try:
                variables = template_variables(path.read_bytes())
            except DomainError as exc:
                problems.append(error("document", element, f"the template of '{kind}' cannot be read: {exc}"))
                continue
            if produced is None:
                produced = produced_fields(process, element, forms) | STANDARD_KEYS
            missing = [name for name in variables if name not in produced]
            if missing:
                problems.append(
                    warning(
                        "document",
                        element,
                        f"the template of '{kind}' prints fields no form up to this step fills: {', '.join(missing)}",
                    )
                )
    return problems
