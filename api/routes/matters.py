"""Matters (vụ việc): the petitions grouped as one, so that duplicates are counted once."""

from fastapi import APIRouter
from sqlalchemy import select

from api.deps import DbSession, MatterReader
from api.schemas import COMMON_RESPONSES, ErrorOut, MatterOut
from engine.core.errors import NotFound
from engine.core.models import Case, Matter
from engine.people.permissions import can_read_matter
from engine.petitions.matters import petitions_in

router = APIRouter(prefix="/api/matters", tags=["matters"], responses=COMMON_RESPONSES)


@router.get("/{matter_id}", response_model=MatterOut, responses={404: {"model": ErrorOut}})
def read_matter(matter_id: int, session: DbSession, actor: MatterReader) -> MatterOut:
    """A matter of my units with the tracking codes of its petitions (and of the cases they led to)."""
    matter = session.get(Matter, matter_id)
    if matter is None or not can_read_matter(actor, matter):
        raise NotFound(f"Matter {matter_id} does not exist or is not in your units")
    codes = session.scalars(select(Case.tracking_code).where(Case.matter_id == matter.id).order_by(Case.id))
    return MatterOut(
        id=matter.id, unit_id=matter.unit_id, title=matter.title, subject_name=matter.subject_name,
        created_at=matter.created_at, petition_count=petitions_in(session, matter.id), guided_at=matter.guided_at,
        guided_by_case=matter.guided_by_case, petitions=list(codes),
    )  # fmt: skip
