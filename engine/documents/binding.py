"""Which documents a step issues: its BPMN user task's ``documentKinds`` property (and ``documentKindsWhen``).

``documentKinds`` lists the kinds, comma-separated (``verification_conclusion``). ``documentKindsWhen`` holds
optional conditions on the step's submitted data, separated by ``;``: ``field=value`` applies to every kind
(``decision=approve``: a conclusion sent back for rework issues nothing), ``kind: field=value`` to one kind
(``transfer_slip: decision=transfer; guidance_letter: decision=guide``). A kind is issued when every condition that
applies to it holds.
"""

from sqlalchemy.orm import Session

from engine.core.models import Case, HumanTask
from engine.documents.kinds import DOCUMENT_KINDS_PROPERTY, DocumentKind, parse_document_kinds
from engine.services import EngineServices

DOCUMENT_KINDS_WHEN_PROPERTY = "documentKindsWhen"


def task_properties(session: Session, services: EngineServices, case: Case, spec_name: str) -> dict[str, str]:
    """The ``spiffworkflow:properties`` of a user task of the case's process version."""
    process = services.specs.get(session, case.definition_id)
    spec = process.spec.task_specs.get(spec_name)
    if spec is None:
        for subprocess in process.subprocess_specs.values():
            spec = subprocess.task_specs.get(spec_name)
            if spec is not None:
                break
    extensions = getattr(spec, "extensions", None) or {}
    return dict(extensions.get("properties") or {})


def task_document_kinds(session: Session, services: EngineServices, case: Case, task: HumanTask) -> list[str]:
    """The known document kinds the task names, in order (the lint reports unknown names)."""
    properties = task_properties(session, services, case, task.spec_name)
    known = {kind.value for kind in DocumentKind}
    return [kind for kind in parse_document_kinds(properties.get(DOCUMENT_KINDS_PROPERTY)) if kind in known]


def conditions(value: str | None) -> list[tuple[str | None, str, str]]:
    """The ``(kind or None for all, field, value)`` conditions of a ``documentKindsWhen`` property."""
    found: list[tuple[str | None, str, str]] = []
    for clause in (value or "").split(";"):
        kind, _, test = clause.rpartition(":")
        field, equals, expected = test.partition("=")
        if equals and field.strip():
            found.append((kind.strip() or None, field.strip(), expected.strip()))
    return found


def issues_with(session: Session, services: EngineServices, case: Case, task: HumanTask, data: dict) -> list[str]:
    """The kinds completing the task with ``data`` issues: its kinds whose ``documentKindsWhen`` conditions hold."""
    kinds = task_document_kinds(session, services, case, task)
    when = conditions(task_properties(session, services, case, task.spec_name).get(DOCUMENT_KINDS_WHEN_PROPERTY))
    return [
        kind
        for kind in kinds
        if all(str(data.get(field)) == expected for only, field, expected in when if only in (None, kind))
    ]
