"""Deployed processes, their versions and intake forms; deployment of new BPMN files by designers."""

from fastapi import APIRouter, UploadFile
from sqlalchemy import select

from api.deps import CurrentActor, DbSession, DesignerActor, Services, commit
from api.schemas import (
    COMMON_RESPONSES,
    DeploymentOut,
    DeploymentRejectedOut,
    ErrorOut,
    JsonSchemaDocument,
    ProcessOut,
    ProcessVersionOut,
)
from engine.deployment import deploy_bpmn, latest_definition
from engine.errors import BadRequest, NotFound
from engine.models import ProcessDefinition

router = APIRouter(prefix="/api/processes", tags=["processes"], responses=COMMON_RESPONSES)


@router.get("", response_model=list[ProcessOut], responses={401: {"model": ErrorOut}})
def list_processes(session: DbSession, _actor: CurrentActor) -> list[ProcessOut]:
    """Every deployed process with its versions, newest version first."""
    by_key: dict[str, list[ProcessDefinition]] = {}
    for definition in session.scalars(
        select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    ):
        by_key.setdefault(definition.key, []).append(definition)
    return [
        ProcessOut(
            key=key,
            name=versions[0].name,
            latest_version=versions[0].version,
            start_form=versions[0].catalog.get("start_form"),
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
def start_form(key: str, session: DbSession, services: Services, _actor: CurrentActor) -> JsonSchemaDocument:
    """The JSON Schema of the intake form of the newest version of a process."""
    definition = latest_definition(session, key)
    if definition is None:
        raise NotFound(f"Process '{key}' is not deployed")
    form = definition.catalog.get("start_form")
    if not form:
        raise NotFound(f"Process '{key}' has no intake form")
    return JsonSchemaDocument(services.forms.schema(form))


@router.post(
    "",
    response_model=DeploymentOut,
    status_code=201,
    responses={422: {"model": DeploymentRejectedOut}, 403: {"model": ErrorOut}, 413: {"model": ErrorOut}},
)
async def deploy_process(
    file: UploadFile, session: DbSession, services: Services, actor: DesignerActor
) -> DeploymentOut:
    """Deploy an uploaded BPMN file as the next version of its process (unchanged content: no new version)."""
    content = await file.read(services.max_upload_bytes + 1)
    if len(content) > services.max_upload_bytes:
        raise BadRequest(f"{file.filename} is larger than the limit of {services.max_upload_bytes} bytes")
    result = deploy_bpmn(
        session,
        content=content,
        filename=file.filename or "upload.bpmn",
        forms=services.forms,
        deployed_by=actor.username,
        max_bytes=services.max_upload_bytes,
    )
    commit(session)
    return DeploymentOut(key=result.definition.key, version=result.definition.version, created=result.created)
