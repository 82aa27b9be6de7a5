"""Liên thông over REST: peers deliver signed messages here; admins read the federation's state and add peers."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.deps import Administrator, DbSession, ReportReader, Services, client_address, commit
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.federation.enums import MessageKind
from engine.federation.inbox import receive_message
from engine.federation.peers import register_peer
from engine.federation.status import federation_status
from engine.federation.upward_reports import consolidated_report, consolidated_table

router = APIRouter(prefix="/api/federation", tags=["federation"])


class FederationMessageIn(BaseModel):
    """A signed message from a peer instance (docs/federation.schema.json)."""

    format: str = Field(max_length=64, description='"phananh-federation/1"')
    message_id: str = Field(max_length=64)
    sender: str = Field(max_length=64, description="the sending instance's name")
    recipient: str = Field(max_length=64, description="this instance's name")
    kind: str = Field(max_length=32, description="transfer, acknowledgement, progress, result, …")
    sent_at: str = Field(max_length=64, description="ISO 8601 with zone: when this delivery attempt was signed")
    body: dict[str, Any]
    signature: str = Field(max_length=200, description="Ed25519 signature (base64url) of the other fields")


class ReceiptOut(BaseModel):
    """The message was kept (or had already been received: ``duplicate``)."""

    message_id: str
    duplicate: bool


@router.post(
    "/messages",
    status_code=202,
    response_model=ReceiptOut,
    responses={400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 404: {"model": ErrorOut},
               422: {"model": ErrorOut}},
)  # fmt: skip
def deliver_message(body: FederationMessageIn, request: Request, services: Services) -> ReceiptOut:
    """Receive one message from a registered peer: checked against its key and the replay window, kept once.

    No user signs in here: the message's signature is the credential. An unknown sender, a bad signature, another
    recipient or a stale ``sent_at`` answer 401 and are recorded; a redelivered message answers 202 ``duplicate``.
    """
    receipt = receive_message(
        request.app.state.session_factory, services, body.model_dump(), now=services.clock.now(),
        remote_address=client_address(request),
    )  # fmt: skip
    return ReceiptOut(message_id=receipt.message_id, duplicate=receipt.duplicate)


class PeerOut(BaseModel):
    """A registered peer and its traffic."""

    name: str
    url: str
    public_key: str
    upward: bool = Field(description="this instance sends its periodic reports to it")
    added_at: datetime
    waiting: int = Field(description="messages queued for it, not yet delivered")
    delivered: int
    received: int = Field(description="messages received from it")
    last_error: str | None


class RefusalOut(BaseModel):
    """A message refused on arrival."""

    at: datetime
    sender: str
    message_id: str
    reason: str
    remote_address: str | None


class FederationOut(BaseModel):
    """This instance's federation name and public key, its peers and the latest refusals."""

    instance_name: str | None
    public_key: str | None
    message_kinds: list[MessageKind]
    peers: list[PeerOut]
    refusals: list[RefusalOut]


class PeerIn(BaseModel):
    """A peer to register: its name, its base URL and the public key its `phananh instance key` prints."""

    name: str = Field(max_length=63)
    url: str = Field(max_length=500)
    public_key: str = Field(max_length=200)
    upward: bool = Field(default=False, description="the instance this one sends its periodic reports to")


_ADMIN_RESPONSES: dict[int | str, dict[str, Any]] = {**COMMON_RESPONSES, 403: {"model": ErrorOut}}


@router.get("", response_model=FederationOut, responses=_ADMIN_RESPONSES)
def read_federation(session: DbSession, actor: Administrator) -> FederationOut:
    """The federation page's content: name and key of this instance, peers with their traffic, refusals."""
    status = federation_status(session, actor)
    return FederationOut(
        instance_name=status.instance_name, public_key=status.public_key, message_kinds=list(MessageKind),
        peers=[PeerOut(**vars(peer)) for peer in status.peers],
        refusals=[
            RefusalOut(at=r.at, sender=r.sender, message_id=r.message_id, reason=r.reason,
                       remote_address=r.remote_address)
            for r in status.refusals
        ],
    )  # fmt: skip


@router.post(
    "/peers",
    status_code=201,
    response_model=PeerOut,
    responses={**_ADMIN_RESPONSES, 400: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
def add_federation_peer(body: PeerIn, session: DbSession, services: Services, actor: Administrator) -> PeerOut:
    """Register a peer instance (admins); 400 for a bad name, URL or key, 409 if the name is taken."""
    peer = register_peer(
        session,
        actor,
        name=body.name,
        url=body.url,
        public_key=body.public_key,
        now=services.clock.now(),
        upward=body.upward,
    )
    commit(session)
    return PeerOut(
        name=peer.name, url=peer.url, public_key=peer.public_key, upward=peer.upward, added_at=peer.added_at,
        waiting=0, delivered=0, received=0, last_error=None,
    )  # fmt: skip


class ConsolidatedFigureOut(BaseModel):
    """One figure: this instance's value, each district's in the order of ``columns``, and the total."""

    key: str
    label: str
    values: list[float]
    total: float


class ConsolidatedSectionOut(BaseModel):
    """A section of the report."""

    title: str
    figures: list[ConsolidatedFigureOut]


class ConsolidatedOut(BaseModel):
    """The report of a period consolidated with the districts' reports; ``missing``: districts yet to report."""

    period: str
    period_label: str
    columns: list[str] = Field(description="this instance's top unit, then each district that reported")
    sections: list[ConsolidatedSectionOut]
    missing: list[str]


@router.get("/reports/consolidated", response_model=ConsolidatedOut,
            responses={**_ADMIN_RESPONSES, 404: {"model": ErrorOut}})  # fmt: skip
def read_consolidated_report(
    session: DbSession, services: Services, actor: ReportReader, period: Annotated[str, Query(max_length=16)]
) -> ConsolidatedOut:
    """The top unit's report for ``period`` plus the frozen reports the district instances sent up (report
    readers of the top unit); rates are weighted averages."""
    report = consolidated_report(session, services, actor, period_code=period)
    table = consolidated_table(report)
    return ConsolidatedOut(
        period=report.period.code, period_label=report.period.label, columns=table.columns, missing=report.missing,
        sections=[ConsolidatedSectionOut(title=title, figures=[ConsolidatedFigureOut(**vars(row)) for row in rows])
                  for title, rows in table.sections],
    )  # fmt: skip
