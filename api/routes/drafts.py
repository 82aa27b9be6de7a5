"""Process drafts over REST: diagrams saved without deploying them (designers only)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import DbSession, Designer, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.core.models import ProcessDraft
from engine.processes.drafts import delete_draft, get_draft, list_drafts, save_draft

router = APIRouter(prefix="/api/drafts", tags=["drafts"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such draft"}}
BAD_DRAFT = {400: {"model": ErrorOut, "description": "The diagram is empty or too large"}}
BpmnXml = Annotated[str, Field(min_length=1, description="the BPMN 2.0 XML of the diagram")]


class DraftOut(BaseModel):
    """A saved draft, without its XML."""

    id: int
    name: str
    process_key: str | None
    based_on_version: int | None
    updated_by: str
    updated_at: datetime


class DraftDetail(DraftOut):
    """A saved draft with its XML."""

    xml: str


class DraftIn(BaseModel):
    """A new draft: the diagram, a name, and the deployed version it starts from (if any)."""

    xml: BpmnXml
    name: Annotated[str, Field(max_length=255)] = ""
    process_key: Annotated[str | None, Field(max_length=255)] = None
    based_on_version: Annotated[int | None, Field(ge=1)] = None


class DraftUpdate(BaseModel):
    """New XML and name for a draft (its process and base version stay)."""

    xml: BpmnXml
    name: Annotated[str, Field(max_length=255)] = ""


def _summary(draft: ProcessDraft) -> DraftOut:
    return DraftOut(
        id=draft.id, name=draft.name, process_key=draft.process_key, based_on_version=draft.based_on_version,
        updated_by=draft.updated_by, updated_at=draft.updated_at,
    )  # fmt: skip


def _detail(draft: ProcessDraft) -> DraftDetail:
    return DraftDetail(**_summary(draft).model_dump(), xml=draft.xml)


@router.get("", response_model=list[DraftOut])
def read_drafts(session: DbSession, _actor: Designer) -> list[DraftOut]:
    """Every draft, most recently saved first."""
    return [_summary(d) for d in list_drafts(session)]


@router.post("", status_code=201, response_model=DraftDetail, responses=BAD_DRAFT)
def create_draft(body: DraftIn, session: DbSession, actor: Designer) -> DraftDetail:
    """Save a diagram as a new draft; nothing is deployed."""
    draft = save_draft(
        session, xml=body.xml, name=body.name, saved_by=actor.username, process_key=body.process_key,
        based_on_version=body.based_on_version,
    )  # fmt: skip
    commit(session)
    return _detail(draft)


@router.get("/{draft_id}", response_model=DraftDetail, responses=NOT_FOUND)
def read_draft(draft_id: int, session: DbSession, _actor: Designer) -> DraftDetail:
    """One draft with its XML."""
    return _detail(get_draft(session, draft_id))


@router.put("/{draft_id}", response_model=DraftDetail, responses={**NOT_FOUND, **BAD_DRAFT})
def update_draft(draft_id: int, body: DraftUpdate, session: DbSession, actor: Designer) -> DraftDetail:
    """Replace a draft's XML and name."""
    draft = save_draft(session, xml=body.xml, name=body.name, saved_by=actor.username, draft_id=draft_id)
    commit(session)
    return _detail(draft)


@router.delete("/{draft_id}", status_code=204, response_class=Response, responses=NOT_FOUND)
def remove_draft(draft_id: int, session: DbSession, _actor: Designer) -> Response:
    """Delete a draft."""
    delete_draft(session, draft_id)
    commit(session)
    return Response(status_code=204)
