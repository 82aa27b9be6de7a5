"""Deployed processes, their versions and intake forms; deployment of new BPMN files by designers."""

import json

from fastapi import APIRouter, Request, UploadFile
from pydantic import ValidationError
from starlette.datastructures import UploadFile as FormFile

from api.deps import DbSession, Deployer, Designer, ProcessReader, Services, commit
from api.schemas import (
    COMMON_RESPONSES,
    ChangedElementOut,
    DeploymentOut,
    DeploymentPreviewOut,
    DeploymentProblemOut,
    DeploymentRejectedOut,
    DiffElementOut,
    ErrorOut,
    JsonSchemaDocument,
    LintIn,
    LintOut,
    ProcessOut,
    ProcessVersionOut,
    ValidationErrorOut,
)
from engine.core.errors import BadRequest, NotFound, PayloadTooLarge
from engine.core.models import ProcessDefinition
from engine.people.permissions import can_start_process
from engine.processes.deployment import all_definitions, deploy_bpmn, latest_definition, preview_deployment
from engine.processes.lint import LintProblem, lint_bpmn
from engine.processes.starters import start_roles

router = APIRouter(prefix="/api/processes", tags=["processes"], responses=COMMON_RESPONSES)


@router.get("", response_model=list[ProcessOut], responses={401: {"model": ErrorOut}})
def list_processes(session: DbSession, actor: ProcessReader) -> list[ProcessOut]:
    """Every deployed process with its versions, newest version first, and whether the caller may start it."""
    by_key: dict[str, list[ProcessDefinition]] = {}
    for definition in all_definitions(session):
        by_key.setdefault(definition.key, []).append(definition)
    return [
        ProcessOut(
            key=key,
            name=versions[0].name,
            latest_version=versions[0].version,
            start_form=versions[0].catalog.get("start_form"),
            startable_by=sorted(start_roles(versions[0].catalog)),
            may_start=can_start_process(actor, versions[0]),
            versions=[
                ProcessVersionOut(
                    version=d.version,
                    filename=d.filename,
                    deployed_at=d.deployed_at,
                    deployed_by=d.deployed_by,
                    content_sha256=d.content_sha256,
                )
                for d in versions
            ],
        )
        for key, versions in by_key.items()
    ]


@router.get(
    "/{key}/start-form",
    response_model=JsonSchemaDocument,
    responses={404: {"model": ErrorOut}, 401: {"model": ErrorOut}},
)
def start_form(key: str, session: DbSession, services: Services, _actor: ProcessReader) -> JsonSchemaDocument:
    """The JSON Schema of the intake form of the newest version of a process."""
    definition = latest_definition(session, key)
    if definition is None:
        raise NotFound(f"Process '{key}' is not deployed")
    form = definition.catalog.get("start_form")
    if not form:
        raise NotFound(f"Process '{key}' has no intake form")
    return JsonSchemaDocument(services.forms.schema(form))


def _too_large(filename: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"{filename} is larger than the limit of {limit} bytes for BPMN files")


async def _read_upload(file: FormFile, limit: int) -> bytes:
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise _too_large(file.filename or "the file", limit)
    return content


def _problems_out(problems: list[LintProblem]) -> list[DeploymentProblemOut]:
    return [DeploymentProblemOut(**p.as_dict()) for p in problems]


LINT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {"schema": LintIn.model_json_schema()},
        },
    }
}


@router.post(
    "/lint",
    response_model=LintOut,
    openapi_extra=LINT_BODY,
    responses={400: {"model": ErrorOut}, 403: {"model": ErrorOut}, 413: {"model": ErrorOut}},
)
async def lint_process(request: Request, services: Services, _actor: Designer) -> LintOut:
    """Lint a BPMN file (multipart field ``file``, or JSON ``{"xml", "filename"}``) without deploying it."""
    limit = services.max_bpmn_bytes
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, FormFile):
            raise BadRequest("send the BPMN file in the multipart field 'file'")
        filename, content = upload.filename or "upload.bpmn", await _read_upload(upload, limit)
    else:
        body = await request.body()
        if len(body) > 2 * limit:
            raise _too_large("the request", limit)
        try:
            lint_in = LintIn.model_validate(json.loads(body or b"null"))
        except (ValueError, ValidationError) as exc:
            message = f'send multipart field \'file\' or JSON {{"xml": ..., "filename": ...}}: {exc}'
            raise BadRequest(message.splitlines()[0]) from exc
        filename, content = lint_in.filename, lint_in.xml.encode("utf-8")
        if len(content) > limit:
            raise _too_large(filename, limit)
    report = lint_bpmn(content, filename, services.forms)
    return LintOut(ok=report.ok, process_key=report.process_key, problems=_problems_out(report.problems))


DEPLOY_RESPONSES: dict[int | str, dict] = {
    422: {
        "model": DeploymentRejectedOut | ValidationErrorOut,
        "description": "The BPMN file is refused (its problems), or the request is invalid (its fields)",
    },
    403: {"model": ErrorOut},
    413: {"model": ErrorOut},
}


@router.post(
    "/preview",
    response_model=DeploymentPreviewOut,
    responses=DEPLOY_RESPONSES,
)
async def preview_process_deployment(
    file: UploadFile, session: DbSession, services: Services, _actor: Deployer
) -> DeploymentPreviewOut:
    """What deploying an uploaded BPMN file would change (the version it follows; elements added, removed and
    changed), with every deployment check, without deploying it: the confirmation step before ``POST``."""
    content = await _read_upload(file, services.max_bpmn_bytes)
    preview = preview_deployment(
        session,
        content=content,
        filename=file.filename or "upload.bpmn",
        forms=services.forms,
        max_bytes=services.max_bpmn_bytes,
    )
    diff = preview.diff
    return DeploymentPreviewOut(
        key=preview.process_key,
        name=preview.process_name,
        current_version=preview.current_version,
        next_version=preview.next_version,
        unchanged=preview.unchanged,
        added=[DiffElementOut(id=e.id, type=e.type, name=e.name) for e in diff.added] if diff else [],
        removed=[DiffElementOut(id=e.id, type=e.type, name=e.name) for e in diff.removed] if diff else [],
        changed=[ChangedElementOut(id=e.id, type=e.type, name=e.name, changes=list(e.changes)) for e in diff.changed]
        if diff
        else [],
        warnings=_problems_out(preview.warnings),
    )


@router.post(
    "",
    response_model=DeploymentOut,
    status_code=201,
    responses=DEPLOY_RESPONSES,
)
async def deploy_process(file: UploadFile, session: DbSession, services: Services, actor: Deployer) -> DeploymentOut:
    """Deploy an uploaded BPMN file (from any modeler) as the next version of its process.

    Unchanged content makes no new version. Lint errors refuse the file with 422 naming each element; warnings
    come back in the 201 body.
    """
    content = await _read_upload(file, services.max_bpmn_bytes)
    result = deploy_bpmn(
        session,
        content=content,
        filename=file.filename or "upload.bpmn",
        forms=services.forms,
        deployed_by=actor.username,
        max_bytes=services.max_bpmn_bytes,
    )
    commit(session)
    return DeploymentOut(
        key=result.definition.key,
        version=result.definition.version,
        created=result.created,
        warnings=_problems_out(result.warnings),
    )
