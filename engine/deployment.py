"""Deployment of BPMN files as numbered, immutable process versions, with every check done up front."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.bpmn_xml import NAMESPACES, element_properties, parse_bpmn_xml, validate_against_xsd
from engine.errors import BadRequest, DeploymentProblem, DeploymentRejected
from engine.forms import FormCatalog
from engine.models import ProcessDefinition
from engine.sandbox import check_python

FORM_PROPERTY = "formJsonSchemaFilename"
TIMER_ROLE_PROPERTY = "timerRole"
ASSIGNEE_PROPERTY = "assigneeVariable"


@dataclass
class DeploymentResult:
    """The outcome of deploying one file."""

    definition: ProcessDefinition
    created: bool


def _python_checks(tree: etree._ElementTree) -> list[DeploymentProblem]:
    """ast-check every script, condition and timer expression; the problem names its element."""
    problems: list[DeploymentProblem] = []

    def check(owner: etree._Element, source: str | None, mode: str, what: str) -> None:
        problem = check_python(source, mode=mode)
        if problem:
            problems.append(DeploymentProblem(owner.get("id"), f"{what}: {problem}", owner.sourceline))

    for script in tree.xpath("//bpmn:scriptTask/bpmn:script", namespaces=NAMESPACES):
        check(script.getparent(), script.text, "exec", "script")
    for tag in ("preScript", "postScript"):
        for script in tree.xpath(f"//spiffworkflow:{tag}", namespaces=NAMESPACES):
            owner = script.getparent().getparent()
            check(owner, script.text, "exec", tag)
    for condition in tree.xpath("//bpmn:sequenceFlow/bpmn:conditionExpression", namespaces=NAMESPACES):
        check(condition.getparent(), condition.text, "eval", "condition expression")
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for timer in tree.xpath(f"//bpmn:timerEventDefinition/bpmn:{kind}", namespaces=NAMESPACES):
            check(timer.getparent().getparent(), timer.text, "eval", f"timer {kind}")
    return problems


def _form_checks(tree: etree._ElementTree, forms: FormCatalog) -> list[DeploymentProblem]:
    problems = []
    for element in tree.xpath("//bpmn:process//*[@id]", namespaces=NAMESPACES):
        form = element_properties(element).get(FORM_PROPERTY)
        if form is not None:
            problem = forms.problem_with(form)
            if problem:
                problems.append(DeploymentProblem(element.get("id"), problem, element.sourceline))
    return problems


def _spiff_parse(tree: etree._ElementTree, filename: str) -> tuple[str | None, list[DeploymentProblem]]:
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(tree, filename)
        process_ids = parser.get_process_ids()
        if len(process_ids) != 1:
            return None, [DeploymentProblem(None, f"expected one executable process, found {len(process_ids)}")]
        parser.get_spec(process_ids[0])
        parser.get_subprocess_specs(process_ids[0])
    except ValidationException as exc:
        line = exc.line_number if isinstance(exc.line_number, int) else None
        return None, [DeploymentProblem(exc.id or None, str(exc).splitlines()[0], line)]
    except Exception as exc:  # SpiffWorkflow raises many kinds; each one is a reason to refuse the file
        return None, [DeploymentProblem(None, f"SpiffWorkflow cannot parse the file: {exc}")]
    return process_ids[0], []


def build_catalog(tree: etree._ElementTree, process_key: str) -> dict:
    """What the runtime needs to know about a definition without parsing it: forms, names, timer roles."""
    process = tree.xpath(f"//bpmn:process[@id='{process_key}']", namespaces=NAMESPACES)[0]
    forms, names, timers, assignees = {}, {}, {}, {}
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
        "lanes": lanes,
    }


def check_bpmn(content: bytes, filename: str, forms: FormCatalog) -> tuple[str, dict]:
    """Run every deployment check. Returns (process key, catalog) or raises ``DeploymentRejected``."""
    tree, problems = parse_bpmn_xml(content)
    if tree is None:
        raise DeploymentRejected(filename, problems)
    problems = validate_against_xsd(tree) + _python_checks(tree) + _form_checks(tree, forms)
    if problems:
        raise DeploymentRejected(filename, problems)
    process_key, problems = _spiff_parse(tree, filename)
    if problems or process_key is None:
        raise DeploymentRejected(filename, problems)
    return process_key, build_catalog(tree, process_key)


def latest_definition(session: Session, process_key: str) -> ProcessDefinition | None:
    """The newest deployed version of a process."""
    return session.scalars(
        select(ProcessDefinition)
        .where(ProcessDefinition.key == process_key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()


def deploy_bpmn(
    session: Session,
    *,
    content: bytes,
    filename: str,
    forms: FormCatalog,
    deployed_by: str = "system",
    max_bytes: int = 2_000_000,
) -> DeploymentResult:
    """Check and store a BPMN file as the next version of its process; unchanged content makes no new version."""
    if len(content) > max_bytes:
        raise BadRequest(f"{filename} is {len(content)} bytes; the limit is {max_bytes} bytes")
    process_key, catalog = check_bpmn(content, filename, forms)
    digest = hashlib.sha256(content).hexdigest()
    latest = latest_definition(session, process_key)
    if latest is not None and latest.content_sha256 == digest:
        return DeploymentResult(latest, created=False)
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
    return DeploymentResult(definition, created=True)


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
