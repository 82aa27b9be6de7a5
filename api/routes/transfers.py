"""Transfers over REST (chuyển đơn, liên thông): send a petition to another unit or instance; a case's transfers."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import CaseReader, DbSession, Services, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.cases.queries import visible_case
from engine.federation.enums import TransferState
from engine.federation.transfers import TransferView, transfer_petition, transfers_of_case, view_of

router = APIRouter(prefix="/api/cases", tags=["transfers"])
ERRORS = {**COMMON_RESPONSES, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 409: {"model": ErrorOut}}


class TransferIn(BaseModel):
    """Where to send the petition and why; ``allow_return`` confirms sending it back to a body it passed through."""

    to_unit: str | None = Field(default=None, max_length=64, description="a unit code (of the peer, with to_peer)")
    to_peer: str | None = Field(default=None, max_length=63, description="a peer instance's name")
    reason: str = Field(min_length=1, max_length=2000)
    allow_return: bool = False


class TransferOut(BaseModel):
    """A transfer seen from one case: sent on from it (``out``) or brought it here (``in``)."""

    direction: str = Field(description="out: this case was sent on; in: this case came by transfer")
    other_body: str
    other_tracking_code: str | None
    reason: str
    state: TransferState
    progress: str | None
    result: str | None
    sent_at: datetime


def _out(view: TransferView) -> TransferOut:
    return TransferOut(**vars(view))


@router.post("/{case_id}/transfer", status_code=202, response_model=TransferOut, responses=ERRORS)
def transfer_case(
    case_id: int, body: TransferIn, session: DbSession, services: Services, actor: CaseReader
) -> TransferOut:
    """Transfer a petition waiting for its jurisdiction decision to ``to_unit`` or ``to_peer``; 202: it is on its
    way (to a peer, the message leaves with the next worker pass). 409 when it would return to a body it passed
    through and ``allow_return`` is not set."""
    transfer = transfer_petition(
        session, services, actor, case_id=case_id, reason=body.reason, to_unit=body.to_unit, to_peer=body.to_peer,
        allow_return=body.allow_return,
    )  # fmt: skip
    commit(session)
    return _out(view_of(transfer, case_id))


@router.get("/{case_id}/transfers", response_model=list[TransferOut], responses=ERRORS)
def read_case_transfers(case_id: int, session: DbSession, actor: CaseReader) -> list[TransferOut]:
    """The transfers this case was sent by and came by, oldest first."""
    case = visible_case(session, actor, case_id)
    return [_out(view) for view in transfers_of_case(session, case.id)]
