"""Receiving messages: only from registered peers, only with a valid signature, only fresh, each message id once.

A refused message is recorded in ``federation_refusals`` (in its own transaction) and answered 401; nothing of it
is kept otherwise.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.core.db import transaction
from engine.core.errors import BadRequest, DomainError
from engine.core.models import FederationIdentity, FederationInbox, FederationPeer, FederationRefusal
from engine.federation.enums import RefusalReason
from engine.federation.envelope import Envelope, MalformedEnvelope, read_envelope, signature_holds
from engine.federation.handlers import handle_received
from engine.federation.keys import instance_identity, parse_public_key

if TYPE_CHECKING:
    from engine.services import EngineServices

REPLAY_WINDOW = timedelta(minutes=5)


class MessageRefused(DomainError):
    """A message from an unknown peer, with a bad signature, for another instance or outside the replay window."""


class MalformedMessage(BadRequest):
    """A message that is not a federation envelope at all."""


REFUSAL_TEXTS = {
    RefusalReason.UNKNOWN_PEER: "sender {sender!r} is not a registered peer of this instance",
    RefusalReason.BAD_SIGNATURE: "the signature does not match the message and the key of {sender!r}",
    RefusalReason.WRONG_RECIPIENT: "the message is addressed to {recipient!r}, not to this instance",
    RefusalReason.OUTSIDE_WINDOW: "sent_at {sent_at} is more than five minutes from this instance's clock",
}


@dataclass(frozen=True)
class Receipt:
    """The answer to a delivered message: its id, and whether it had already been received."""

    message_id: str
    duplicate: bool


def _refusal_reason(session: Session, envelope: Envelope, signed: bytes, signature: bytes, now: datetime):
    me = session.get(FederationIdentity, 1)
    peer = session.get(FederationPeer, envelope.sender)
    if peer is None:
        return RefusalReason.UNKNOWN_PEER
    if not signature_holds(parse_public_key(peer.public_key).verify_key, signed, signature):
        return RefusalReason.BAD_SIGNATURE
    if me is None or envelope.recipient != me.name:
        return RefusalReason.WRONG_RECIPIENT
    if abs(now - envelope.sent_at) > REPLAY_WINDOW:
        return RefusalReason.OUTSIDE_WINDOW
    return None


def _record_refusal(factory: sessionmaker[Session], **fields: Any) -> None:
    with transaction(factory) as session:
        session.add(FederationRefusal(**fields))


def receive_message(
    factory: sessionmaker[Session],
    services: "EngineServices",
    wire: Any,
    *,
    now: datetime,
    remote_address: str | None,
) -> Receipt:
    """Check and keep one delivered message, then handle it, all in one transaction.

    Raises ``MalformedMessage`` for something that is no envelope, ``MessageRefused`` (recorded) for an unknown
    sender, a bad signature, another recipient or a stale ``sent_at``.
    """
    try:
        envelope, signed, signature = read_envelope(wire)
    except MalformedEnvelope as exc:
        raise MalformedMessage(f"Not a federation message: {exc}") from exc
    try:
        with transaction(factory) as session:
            instance_identity(session)
            reason = _refusal_reason(session, envelope, signed, signature, now)
            if reason is None:
                return _keep(session, services, envelope, now)
    except IntegrityError:  # the same message delivered twice at once: the other delivery kept it
        return Receipt(envelope.message_id, duplicate=True)
    _record_refusal(
        factory, at=now, sender=envelope.sender[:64], message_id=envelope.message_id[:64], reason=reason,
        remote_address=(remote_address or "")[:64] or None,
    )  # fmt: skip
    text = REFUSAL_TEXTS[reason].format(
        sender=envelope.sender, recipient=envelope.recipient, sent_at=envelope.sent_at.isoformat()
    )
    raise MessageRefused(f"Message {envelope.message_id} refused: {text}")


def _keep(session: Session, services: "EngineServices", envelope: Envelope, now: datetime) -> Receipt:
    known = select(FederationInbox.id).where(FederationInbox.message_id == envelope.message_id)
    if session.scalar(known) is not None:
        return Receipt(envelope.message_id, duplicate=True)
    message = FederationInbox(
        message_id=envelope.message_id, sender=envelope.sender, kind=envelope.kind, body=envelope.body,
        sent_at=envelope.sent_at, received_at=now,
    )  # fmt: skip
    session.add(message)
    session.flush()
    handle_received(session, services, message, now)
    return Receipt(envelope.message_id, duplicate=False)


def recent_refusals(session: Session, *, limit: int = 50) -> list[FederationRefusal]:
    """The latest refused messages, newest first."""
    return list(session.scalars(select(FederationRefusal).order_by(FederationRefusal.id.desc()).limit(limit)))
