"""Transferring a petition to the body that has jurisdiction (chuyển đơn), electronically.

To a unit of this instance: a triage case opens in that unit's inbox with the petition's data, its files and its
sealed identity (the ciphertext is copied, never decrypted). To a peer instance: a ``transfer`` message carries the
data with the identity sealed to the peer's key. The sender's case waits at "record the reply"; the receiving case
reports its progress back, and when it ends its result lands in the sender's case, which then closes. A transfer
that would return the petition to a body it already passed through is refused unless the sender confirms it.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.queries import visible_case
from engine.core.errors import BadRequest, Conflict, NotFound
from engine.core.models import Attachment, Case, CaseTransfer, FederationPeer, HumanTask, Unit
from engine.federation.enums import MessageKind, TransferState
from engine.federation.outbox import queue_message
from engine.federation.peers import peer_key, peer_named
from engine.federation.sealing import seal_part
from engine.people.auth import Actor
from engine.people.permissions import can_transfer_case, require
from engine.people.units import unit_by_code
from engine.petitions.matters import TRIAGE_PROCESS
from engine.petitions.triage import INTAKE_FORM
from engine.services import EngineServices

TRANSFERABLE_STEP = "decide_jurisdiction"
REPLY_STEP = "record_transfer_reply"
SYSTEM = "system"


class TransferRefused(BadRequest):
    """A transfer that cannot be made: no or two destinations, no reason, the wrong step, the own unit."""


class TransferLoop(Conflict):
    """The petition already passed through the destination: transferring it back would go round in circles."""


def _ready_task(session: Session, case: Case, spec_name: str) -> HumanTask | None:
    query = select(HumanTask).where(
        HumanTask.case_id == case.id, HumanTask.spec_name == spec_name, HumanTask.state == "ready"
    )
    return session.scalars(query).first()


def incoming_transfer(session: Session, case_id: int) -> CaseTransfer | None:
    """The transfer that brought this case here, if it came by transfer."""
    return session.scalars(select(CaseTransfer).where(CaseTransfer.target_case_id == case_id)).first()


def _chain_of(session: Session, case: Case, source_body: str) -> list[dict]:
    came = incoming_transfer(session, case.id)
    earlier = list(came.chain) if came is not None else []
    return [*earlier, {"body": source_body, "tracking_code": case.tracking_code}]


def _check_loop(chain: list[dict], target_body: str, allow_return: bool) -> None:
    passed = [link for link in chain if link["body"] == target_body]
    if passed and not allow_return:
        raise TransferLoop(
            f"Đơn đã từng qua {target_body} (mã {passed[0]['tracking_code']}); chuyển lại sẽ thành chuyển đơn lòng "
            "vòng. Nếu vẫn cần chuyển, xác nhận chuyển lại (allow_return)."
        )


def _handed_data(services: EngineServices, data: dict, source_body: str) -> dict:
    fields = set(services.forms.schema(INTAKE_FORM).get("properties", {})) - {"triage_case", "matter_id"}
    handed = {key: value for key, value in data.items() if key in fields}
    handed["channel"], handed["forwarded_by"] = "forwarded", source_body
    return handed


def _copy_files(session: Session, source: Case, target: Case) -> None:
    copies: dict[int, Attachment] = {}
    for file in session.scalars(
        select(Attachment).where(Attachment.case_id == source.id, Attachment.comment_id.is_(None))
        .order_by(Attachment.id)
    ):  # fmt: skip
        copy = Attachment(
            case_id=target.id, unit_id=target.unit_id, task_id=None, filename=file.filename,
            content_type=file.content_type, size=file.size, sha256=file.sha256, content=file.content,
            uploaded_by=file.uploaded_by, uploaded_at=file.uploaded_at, identity_bearing=file.identity_bearing,
            redacted_copy_of=copies[file.redacted_copy_of].id if file.redacted_copy_of in copies else None,
        )  # fmt: skip
        session.add(copy)
        session.flush()
        copies[file.id] = copy


def transfer_petition(
    session: Session,
    services: EngineServices,
    actor: Actor,
    *,
    case_id: int,
    reason: str,
    to_unit: str | None = None,
    to_peer: str | None = None,
    allow_return: bool = False,
) -> CaseTransfer:
    """Transfer a petition waiting for its jurisdiction decision to a unit or a peer instance; the caller commits.

    ``to_unit`` alone names a unit of this instance; with ``to_peer`` it names a unit of the peer (its top unit
    when omitted).

    The decision step is completed as "transfer" to the destination, so the case waits for the reply.
    """
    case = visible_case(session, actor, case_id)
    require(can_transfer_case, actor, case)
    if to_unit is None and to_peer is None:
        raise TransferRefused("Chọn một nơi nhận: một đơn vị (to_unit) hoặc một hệ thống liên thông (to_peer)")
    if not reason.strip():
        raise TransferRefused("Cần ghi lý do chuyển đơn")
    task = _ready_task(session, case, TRANSFERABLE_STEP) if case.process_key == TRIAGE_PROCESS else None
    if task is None:
        raise TransferRefused(
            f"Hồ sơ {case.tracking_code} không ở bước Quyết định thẩm quyền: chỉ chuyển được đơn đang chờ bước này"
        )
    source_body = session.get_one(Unit, case.unit_id).name
    target_unit = None
    if to_peer is None and to_unit is not None:
        target_unit = unit_by_code(session, to_unit)
        if target_unit is None or target_unit.retired_at is not None:
            raise NotFound(f"Không có đơn vị mã '{to_unit}'")
        if target_unit.id == case.unit_id:
            raise TransferRefused("Không chuyển đơn cho chính đơn vị đang xử lý")
        target_body = target_unit.name
    else:
        target_body = peer_named(session, str(to_peer)).name
    chain = _chain_of(session, case, source_body)
    _check_loop(chain, target_body, allow_return)

    now = services.clock.now()
    runtime = case_runtime(session, services)
    data = runtime.current_data(case)
    transfer = CaseTransfer(
        transfer_id=str(uuid.uuid4()), source_case_id=case.id, source_tracking_code=case.tracking_code,
        source_body=source_body, target_unit_id=target_unit.id if target_unit else None, target_peer=to_peer,
        target_body=target_body, reason=reason.strip(), chain=chain, state=TransferState.SENT,
        sent_by=actor.username, sent_at=now, updated_at=now,
    )  # fmt: skip
    runtime.pending_events(case.id).append(
        {"kind": "case_transferred", "payload": {"to": target_body, "reason": transfer.reason}}
    )
    runtime.complete_task(
        actor, task.id, {"decision": "transfer", "competent_body": target_body, "note": transfer.reason}
    )
    handed = _handed_data(services, data, source_body)
    if target_unit is not None:
        received = runtime.start_follow_up_case(case, process_key=TRIAGE_PROCESS, data=handed, unit_id=target_unit.id)
        _copy_files(session, case, received)
        transfer.target_case_id, transfer.target_tracking_code = received.id, received.tracking_code
        transfer.state = TransferState.RECEIVED
        session.add(transfer)
    else:
        identity = services.identities.open(session, case)
        peer = peer_named(session, str(to_peer))
        sealed = (
            seal_part(json.dumps(identity, ensure_ascii=False).encode(), recipient_key=peer_key(peer).exchange_key,
                      recipient=peer.name)
            if identity else None
        )  # fmt: skip
        body = {
            "transfer_id": transfer.transfer_id, "tracking_code": case.tracking_code, "source_body": source_body,
            "reason": transfer.reason, "chain": chain, "data": handed, "identity": sealed, "to_unit": to_unit,
        }  # fmt: skip
        queue_message(session, peer=peer.name, kind=MessageKind.TRANSFER, body=body, now=now, case_id=case.id)
        session.add(transfer)
    session.flush()
    return transfer


@dataclass(frozen=True)
class TransferView:
    """A transfer as a case page and the API show it."""

    direction: str  # "out": this case was sent on; "in": this case came by transfer
    other_body: str
    other_tracking_code: str | None
    reason: str
    state: TransferState
    progress: str | None
    result: str | None
    sent_at: datetime


def view_of(row: CaseTransfer, case_id: int) -> TransferView:
    """A transfer as the case ``case_id`` sees it (sent on from it, or brought it here)."""
    out = row.source_case_id == case_id
    return TransferView(
        direction="out" if out else "in", other_body=row.target_body if out else row.source_body,
        other_tracking_code=row.target_tracking_code if out else row.source_tracking_code, reason=row.reason,
        state=TransferState(row.state), progress=row.progress, result=row.result, sent_at=row.sent_at,
    )  # fmt: skip


def transfers_of_case(session: Session, case_id: int) -> list[TransferView]:
    """The transfers this case was sent by and came by, oldest first."""
    rows = session.scalars(
        select(CaseTransfer)
        .where((CaseTransfer.source_case_id == case_id) | (CaseTransfer.target_case_id == case_id))
        .order_by(CaseTransfer.id)
    )
    return [view_of(row, case_id) for row in rows]


@dataclass(frozen=True)
class TransferDestinations:
    """Where a petition can be transferred: the other active units of this instance and the peer instances."""

    units: list[tuple[str, str]]  # (code, name)
    peers: list[str]


def transfer_destinations(session: Session, actor: Actor, case: Case) -> TransferDestinations | None:
    """The destinations offered for a petition waiting for its jurisdiction decision; None when it cannot be
    transferred now or by this person."""
    if not can_transfer_case(actor, case) or case.process_key != TRIAGE_PROCESS:
        return None
    if _ready_task(session, case, TRANSFERABLE_STEP) is None:
        return None
    units = session.execute(
        select(Unit.code, Unit.name).where(Unit.id != case.unit_id, Unit.retired_at.is_(None)).order_by(Unit.name)
    ).all()
    peers = list(session.scalars(select(FederationPeer.name).order_by(FederationPeer.name)))
    return TransferDestinations(units=[(code, name) for code, name in units], peers=peers)


def case_runtime(session: Session, services: EngineServices):
    """A case runtime (imported here: the runtime imports the services, which import this package's observers)."""
    from engine.cases.runtime import CaseRuntime

    return CaseRuntime(session, services)
