"""Which documents a step issues: its BPMN user task's ``documentKinds`` property (and ``documentKindsWhen``).

``documentKinds`` lists the kinds, comma-separated (``verification_conclusion``). ``documentKindsWhen`` is an
optional ``field=value`` on the step's submitted data (``decision=approve``): the documents are issued only when
the step is completed with that value, so a conclusion sent back for rework issues nothing.
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


def issues_with(session: Session, services: EngineServices, case: Case, task: HumanTask, data: dict) -> list[str]:
    """The kinds completing the task with ``data`` issues: its kinds, unless ``documentKindsWhen`` says no."""
    kinds = task_document_kinds(session, services, case, task)
    condition = task_properties(session, services, case, task.spec_name).get(DOCUMENT_KINDS_WHEN_PROPERTY, "")
    if kinds and "=" in condition:
        field, value = (part.strip() for part in condition.split("=", 1))
        if str(data.get(field)) != value:
            return []
    return kinds
