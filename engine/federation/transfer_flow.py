"""A transferred petition's life after it left: the receiving case reports its progress and its result back.

Within one instance the sender's transfer row is updated directly; across instances ``acknowledgement``,
``progress`` and ``result`` messages travel back. The result completes the sender's "record the reply" step,
so the sender's case closes; a petition that had itself come by transfer passes the result on the same way.
"""

import json
from datetime import datetime

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.hooks import CaseSaved
from engine.core.models import Case, CaseTransfer, FederationInbox, Unit
from engine.federation.enums import MessageKind, TransferState
from engine.federation.handlers import handles
from engine.federation.keys import open_instance_keys
from engine.federation.outbox import queue_message
from engine.federation.sealing import open_part
from engine.federation.transfers import REPLY_STEP, SYSTEM, _ready_task, case_runtime, incoming_transfer
from engine.people.units import unit_by_code
from engine.petitions.matters import TRIAGE_PROCESS
from engine.services import EngineServices


def _outcome(saved: CaseSaved) -> str:
    """The name of the end event that closed the case (the last one reached)."""
    ends = [
        task for task in saved.workflow.get_tasks(state=TaskState.COMPLETED)
        if type(task.task_spec).__name__ == "EndEvent" and getattr(task.task_spec, "bpmn_name", None)
    ]  # fmt: skip
    if not ends:
        return "đã kết thúc"
    return str(max(ends, key=lambda task: task.last_state_change).task_spec.bpmn_name)


def land_result(session: Session, services: EngineServices, transfer: CaseTransfer, result: str, now: datetime) -> None:
    """The receiving body's result reaches the sender's case: its "record the reply" step is completed with it."""
    transfer.state, transfer.result, transfer.updated_at = TransferState.RESOLVED, result, now
    source = session.get(Case, transfer.source_case_id) if transfer.source_case_id else None
    task = _ready_task(session, source, REPLY_STEP) if source is not None else None
    if task is not None:
        received_on = now.astimezone(services.calendar.zone).date().isoformat()
        case_runtime(session, services).complete_task_for_system(
            task.id, {"reply_received_on": received_on, "reply_summary": result[:2000]}, by=SYSTEM
        )


def report_back_to_the_sender(saved: CaseSaved) -> None:
    """A case that came by transfer tells the sender how it stands, and its result when it ends."""
    if saved.case.process_key != TRIAGE_PROCESS:
        return
    transfer = incoming_transfer(saved.session, saved.case.id)
    if transfer is None or not (saved.completed_now or saved.changed):
        return
    unit = saved.session.get_one(Unit, saved.case.unit_id).name
    if saved.completed_now:
        result = f"{unit} đã xử lý xong đơn {saved.case.tracking_code}: {_outcome(saved)}"
        if transfer.source_peer:
            transfer.state, transfer.result, transfer.updated_at = TransferState.RESOLVED, result, saved.now
            _tell(saved.session, transfer, MessageKind.RESULT, {"result": result}, saved.now)
        else:
            land_result(saved.session, saved.services, transfer, result, saved.now)
        return
    progress = f"Đang ở bước: {saved.case.current_step}" if saved.case.current_step else "Đang xử lý"
    transfer.state, transfer.progress, transfer.updated_at = TransferState.IN_PROGRESS, progress[:500], saved.now
    if transfer.source_peer:
        _tell(saved.session, transfer, MessageKind.PROGRESS, {"progress": transfer.progress}, saved.now)


def _tell(session: Session, transfer: CaseTransfer, kind: MessageKind, extra: dict, now: datetime) -> None:
    body = {"transfer_id": transfer.transfer_id, "tracking_code": transfer.target_tracking_code, **extra}
    queue_message(session, peer=str(transfer.source_peer), kind=kind, body=body, now=now)


def _sent_transfer(session: Session, message: FederationInbox) -> CaseTransfer | None:
    transfer_id = message.body.get("transfer_id")
    return session.scalars(
        select(CaseTransfer).where(CaseTransfer.transfer_id == transfer_id, CaseTransfer.target_peer == message.sender)
    ).first()


@handles(MessageKind.TRANSFER)
def receive_transferred_petition(
    session: Session, services: EngineServices, message: FederationInbox, now: datetime
) -> None:
    """A peer transferred a petition here: open it in the top unit's triage inbox and acknowledge it."""
    body = message.body
    data = dict(body["data"])
    if body.get("identity"):
        keys = open_instance_keys(session, services.identities)
        data.update(json.loads(open_part(body["identity"], key=keys.exchange_key, recipient=keys.name)))
    named = unit_by_code(session, str(body["to_unit"])) if body.get("to_unit") else None
    unit = named or session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()
    if unit is None:
        raise ValueError("this instance has no unit to receive a transferred petition")
    case = case_runtime(session, services).start_public_case(TRIAGE_PROCESS, data, unit.id, started_by=SYSTEM)
    transfer = CaseTransfer(
        transfer_id=str(body["transfer_id"])[:36], source_peer=message.sender,
        source_tracking_code=str(body["tracking_code"])[:32], source_body=str(body["source_body"])[:255],
        target_unit_id=unit.id, target_case_id=case.id, target_tracking_code=case.tracking_code,
        target_body=unit.name, reason=str(body.get("reason", "")), chain=list(body.get("chain") or []),
        state=TransferState.RECEIVED, sent_by=message.sender, sent_at=message.sent_at, updated_at=now,
    )  # fmt: skip
    session.add(transfer)
    session.flush()
    ack = {"transfer_id": transfer.transfer_id, "tracking_code": case.tracking_code, "unit_name": unit.name}
    queue_message(session, peer=message.sender, kind=MessageKind.ACKNOWLEDGEMENT, body=ack, now=now)


@handles(MessageKind.ACKNOWLEDGEMENT)
def note_acknowledgement(session: Session, services: EngineServices, message: FederationInbox, now: datetime) -> None:
    """The peer opened the transferred petition: note its tracking code there."""
    transfer = _sent_transfer(session, message)
    if transfer is not None:
        transfer.target_tracking_code = str(message.body.get("tracking_code", ""))[:32] or None
        transfer.target_body = str(message.body.get("unit_name") or transfer.target_body)[:255]
        transfer.state, transfer.updated_at = TransferState.RECEIVED, now


@handles(MessageKind.PROGRESS)
def note_progress(session: Session, services: EngineServices, message: FederationInbox, now: datetime) -> None:
    """The peer reports how the transferred petition stands."""
    transfer = _sent_transfer(session, message)
    if transfer is not None and transfer.state != TransferState.RESOLVED:
        transfer.progress = str(message.body.get("progress", ""))[:500]
        transfer.state, transfer.updated_at = TransferState.IN_PROGRESS, now


@handles(MessageKind.RESULT)
def land_peer_result(session: Session, services: EngineServices, message: FederationInbox, now: datetime) -> None:
    """The peer finished the transferred petition: its result lands in the sender's case, which closes."""
    transfer = _sent_transfer(session, message)
    if transfer is not None and transfer.state != TransferState.RESOLVED:
        land_result(session, services, transfer, str(message.body.get("result", "")), now)
