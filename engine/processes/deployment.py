"""Deployment of BPMN files as numbered, immutable process versions, with every check done up front."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, DeploymentRejected, NotFound, PayloadTooLarge
from engine.core.models import ProcessDefinition
from engine.processes.bpmn_xml import NAMESPACES, element_properties, parse_bpmn_xml
from engine.processes.diff import VersionDiff, diff_versions
from engine.processes.forms import FormCatalog
from engine.processes.lint import LintProblem, LintReport, lint_bpmn
from engine.processes.starters import CATALOG_KEY as STARTERS_KEY
from engine.processes.starters import STARTABLE_BY_PROPERTY, parse_startable_by
from engine.processes.step_deadlines import CATALOG_KEY as DEADLINES_KEY
from engine.processes.step_deadlines import step_deadline

FORM_PROPERTY = "formJsonSchemaFilename"
TIMER_ROLE_PROPERTY = "timerRole"
ASSIGNEE_PROPERTY = "assigneeVariable"
DEFAULT_MAX_BPMN_BYTES = 5_000_000


@dataclass
class DeploymentResult:
    """The outcome of deploying one file, with the lint warnings that did not block it."""

    definition: ProcessDefinition
    created: bool
    warnings: list[LintProblem] = field(default_factory=list)


def build_catalog(tree: etree._ElementTree, process_key: str) -> dict:
    """What the runtime needs to know about a definition without parsing it: forms, names, timer roles, step
    deadlines, starters."""
    process = tree.xpath(f"//bpmn:process[@id='{process_key}']", namespaces=NAMESPACES)[0]
    forms, names, timers, assignees, deadlines = {}, {}, {}, {}, {}
    start_form = None
    lanes = {
        ref.text.strip(): lane.get("name")
        for lane in process.xpath(".//bpmn:lane", namespaces=NAMESPACES)
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NAMESPACES)
        if ref.text
    }
    for element in process.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        element_id = element.get("id")
        if element.get("name"):
            names[element_id] = element.get("name")
        properties = element_properties(element)
        if ASSIGNEE_PROPERTY in properties:
            assignees[element_id] = properties[ASSIGNEE_PROPERTY]
        deadline = step_deadline(properties) if etree.QName(element).localname == "userTask" else None
        if deadline is not None:
            deadlines[element_id] = {"days": deadline.days, "day_type": deadline.day_type}
        if FORM_PROPERTY in properties:
            forms[element_id] = properties[FORM_PROPERTY]
            if etree.QName(element).localname == "startEvent":
                start_form = properties[FORM_PROPERTY]
        if etree.QName(element).localname == "boundaryEvent" and element.xpath(
            "./bpmn:timerEventDefinition", namespaces=NAMESPACES
        ):
            timers[element_id] = {
                "role": properties.get(TIMER_ROLE_PROPERTY),
                "attached_to": element.get("attachedToRef"),
            }
    timer_start = bool(process.xpath("./bpmn:startEvent/bpmn:timerEventDefinition", namespaces=NAMESPACES))
    return {
        "name": process.get("name") or process_key,
        "timer_start": timer_start,
        "start_form": start_form,
        "forms": forms,
        "names": names,
        "timers": timers,
        "assignees": assignees,
        DEADLINES_KEY: deadlines,
        "lanes": lanes,
        STARTERS_KEY: parse_startable_by(element_properties(process).get(STARTABLE_BY_PROPERTY)),
    }


def inspect_bpmn(content: bytes, filename: str, forms: FormCatalog) -> tuple[str, dict, LintReport]:
    """Lint a file; returns (process key, catalog, lint report) or raises ``DeploymentRejected`` on errors."""
    report = lint_bpmn(content, filename, forms)
    if not report.ok or report.process_key is None:
        raise DeploymentRejected(filename, report.errors)
    tree, _ = parse_bpmn_xml(content)
    return report.process_key, build_catalog(tree, report.process_key), report


def check_bpmn(content: bytes, filename: str, forms: FormCatalog) -> tuple[str, dict]:
    """Run every deployment check. Returns (process key, catalog) or raises ``DeploymentRejected``."""
    process_key, catalog, _report = inspect_bpmn(content, filename, forms)
    return process_key, catalog


def latest_definition(session: Session, process_key: str) -> ProcessDefinition | None:
    """The newest deployed version of a process."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == process_key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def all_definitions(session: Session) -> list[ProcessDefinition]:
    """Every deployed version of every process, by key, newest version first."""
    return list(
        session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version.desc()))
    )


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The newest version of every deployed process, by key."""
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(ProcessDefinition)
            .join(newest, (newest.c.key == ProcessDefinition.key) & (newest.c.version == ProcessDefinition.version))
            .order_by(ProcessDefinition.key)
        )
    )


def newest_version_number(session: Session, process_key: str) -> int | None:
    """The number of the newest deployed version of a process, or None when it was never deployed."""
    return session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == process_key))


def process_keys(session: Session) -> list[str]:
    """The keys of every deployed process, sorted."""
    return sorted(set(session.scalars(select(ProcessDefinition.key))))


def definition_by_id(session: Session, definition_id: int) -> ProcessDefinition:
    """A deployed process version by its id, or NotFound."""
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound(f"Process version {definition_id} does not exist")
    return definition


def deploy_bpmn(
    session: Session,
    *,
    content: bytes,
    filename: str,
    forms: FormCatalog,
    deployed_by: str = "system",
    max_bytes: int = DEFAULT_MAX_BPMN_BYTES,
) -> DeploymentResult:
    """Check and store a BPMN file as the next version of its process; unchanged content makes no new version."""
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"{filename} is {len(content)} bytes; the limit for BPMN files is {max_bytes} bytes")
    process_key, catalog, report = inspect_bpmn(content, filename, forms)
    digest = hashlib.sha256(content).hexdigest()
    latest = latest_definition(session, process_key)
    if latest is not None and latest.content_sha256 == digest:
        return DeploymentResult(latest, created=False, warnings=report.warnings)
    next_version = (
        session.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == process_key)) or 0
    ) + 1
    definition = ProcessDefinition(
        key=process_key,
        version=next_version,
        name=catalog["name"],
        filename=filename,
        content=content.decode("utf-8"),
        content_sha256=digest,
        catalog=json.loads(json.dumps(catalog)),
        deployed_at=datetime.now(UTC),
        deployed_by=deployed_by,
    )
    session.add(definition)
    session.flush()
    return DeploymentResult(definition, created=True, warnings=report.warnings)


@dataclass
class DeploymentPreview:
    """What deploying a file would do, shown before the designer confirms: the version it would replace and the
    elements added, removed and changed (no diff for a process deployed for the first time)."""

    process_key: str
    process_name: str
    current_version: int | None
    unchanged: bool
    diff: VersionDiff | None
    warnings: list[LintProblem] = field(default_factory=list)

    @property
    def next_version(self) -> int:
        """The number the new version would get (the current one when nothing changed)."""
        current = self.current_version or 0
        return current if self.unchanged else current + 1


def preview_deployment(
    session: Session, *, content: bytes, filename: str, forms: FormCatalog, max_bytes: int = DEFAULT_MAX_BPMN_BYTES
) -> DeploymentPreview:
    """Every check of ``deploy_bpmn`` and the difference from the newest deployed version, without deploying.

    Raises what ``deploy_bpmn`` raises (``PayloadTooLarge``, ``DeploymentRejected``).
    """
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"{filename} is {len(content)} bytes; the limit for BPMN files is {max_bytes} bytes")
    process_key, catalog, report = inspect_bpmn(content, filename, forms)
    latest = latest_definition(session, process_key)
    if latest is None:
        return DeploymentPreview(process_key, catalog["name"], None, False, None, report.warnings)
    unchanged = latest.content_sha256 == hashlib.sha256(content).hexdigest()
    diff = diff_versions(latest.content, content.decode("utf-8"))
    return DeploymentPreview(process_key, catalog["name"], latest.version, unchanged, diff, report.warnings)


def deploy_path(
    session: Session, path: Path, *, forms: FormCatalog, deployed_by: str = "system"
) -> list[DeploymentResult]:
    """Deploy one .bpmn file, or every .bpmn file of a folder (sorted by name)."""
    if not path.exists():
        raise BadRequest(f"{path} does not exist")
    files = sorted(path.glob("*.bpmn")) if path.is_dir() else [path]
    return [
        deploy_bpmn(session, content=file.read_bytes(), filename=file.name, forms=forms, deployed_by=deployed_by)
        for file in files
    ]
