"""Matters (vụ việc): the petitions grouped as one, so that duplicates are counted once."""

from fastapi import APIRouter

from api.deps import DbSession, MatterReader
from api.schemas import COMMON_RESPONSES, ErrorOut, MatterOut
from engine.petitions.matters import petitions_in, tracking_codes_in, visible_matter
from engine.petitions.report_matters import reports_in

router = APIRouter(prefix="/api/matters", tags=["matters"], responses=COMMON_RESPONSES)


@router.get("/{matter_id}", response_model=MatterOut, responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}})
def read_matter(matter_id: int, session: DbSession, actor: MatterReader) -> MatterOut:
    """A matter of my units with the tracking codes of its petitions (and of the cases they led to)."""
    matter = visible_matter(session, actor, matter_id)
    count = petitions_in(session, matter.id) or reports_in(session, matter.id)  # a matter of 1374 reports counts them
    return MatterOut(
        id=matter.id, unit_id=matter.unit_id, title=matter.title, subject_name=matter.subject_name,
        created_at=matter.created_at, petition_count=count, guided_at=matter.guided_at,
        guided_by_case=matter.guided_by_case, petitions=tracking_codes_in(session, matter.id),
    )  # fmt: skip
