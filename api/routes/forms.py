"""The form catalog over REST: the forms in forms/ and the forms saved from the editor (designers only)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbSession, Designer, Services, commit
from api.schemas import COMMON_RESPONSES, ErrorOut, JsonSchemaDocument
from engine.processes.form_store import form_catalog, save_form

router = APIRouter(prefix="/api/forms", tags=["forms"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})


class FormOut(BaseModel):
    """One form a user task can use; ``saved`` forms came from the editor (who saved them and when)."""

    name: str
    saved: bool
    created_by: str | None = None
    created_at: datetime | None = None


class FormIn(BaseModel):
    """An edited form: the form it is based on (its name gives the new name) and the new JSON Schema."""

    based_on: Annotated[str, Field(min_length=1, examples=["verify_report.schema.json"])]
    schema_: Annotated[dict, Field(alias="schema", description="a Draft 2020-12 JSON Schema object")]


class SavedFormOut(BaseModel):
    """The new immutable form."""

    name: str
    created_by: str
    created_at: datetime


@router.get("", response_model=list[FormOut])
def read_form_catalog(session: DbSession, services: Services, _actor: Designer) -> list[FormOut]:
    """Every form by name: the files of forms/ and the forms saved from the editor."""
    return [FormOut(**vars(entry)) for entry in form_catalog(session, services.forms)]


@router.get("/{name}", response_model=JsonSchemaDocument, responses={404: {"model": ErrorOut}})
def read_form(name: str, services: Services, _actor: Designer) -> JsonSchemaDocument:
    """The JSON Schema of one form."""
    return JsonSchemaDocument(services.forms.schema(name))


@router.post(
    "",
    status_code=201,
    response_model=SavedFormOut,
    responses={400: {"model": ErrorOut, "description": "Not a form name, or not a valid JSON Schema"}},
)
def create_form(body: FormIn, session: DbSession, services: Services, actor: Designer) -> SavedFormOut:
    """Save an edited form under a new immutable name (e.g. verify_report.v2.schema.json)."""
    form = save_form(session, services.forms, based_on=body.based_on, schema=body.schema_, created_by=actor.username)
    commit(session)
    return SavedFormOut(name=form.name, created_by=form.created_by, created_at=form.created_at)
