"""The envelope of a federation message: canonical JSON signed with the sender's Ed25519 key.

Wire format (docs/federation.schema.json): ``{"format", "message_id", "sender", "recipient", "kind", "sent_at",
"body", "signature"}``. The signature covers the canonical JSON (keys sorted, no spaces, UTF-8) of every other
field. ``sent_at`` is the moment of this delivery attempt, so a message retried after a long outage is still fresh.
"""

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from engine.federation.enums import MessageKind

FORMAT = "phananh-federation/1"
SIGNED_FIELDS = ("format", "message_id", "sender", "recipient", "kind", "sent_at", "body")


class MalformedEnvelope(ValueError):
    """The wire message lacks a field or has one of the wrong type."""


@dataclass(frozen=True)
class Envelope:
    """One message between instances, before signing or after its signature was checked."""

    message_id: str
    sender: str
    recipient: str
    kind: MessageKind
    sent_at: datetime
    body: dict[str, Any]

    def signed_fields(self) -> dict[str, Any]:
        """The fields the signature covers, as they travel."""
        return {
            "format": FORMAT, "message_id": self.message_id, "sender": self.sender, "recipient": self.recipient,
            "kind": self.kind.value, "sent_at": self.sent_at.astimezone(UTC).isoformat(), "body": self.body,
        }  # fmt: skip


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """The bytes that are signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_envelope(envelope: Envelope, key: Ed25519PrivateKey) -> dict[str, Any]:
    """The wire message: the envelope's fields and their signature."""
    fields = envelope.signed_fields()
    signature = key.sign(canonical_bytes(fields))
    return {**fields, "signature": base64.urlsafe_b64encode(signature).decode()}


def read_envelope(wire: Any) -> tuple[Envelope, bytes, bytes]:
    """The envelope of a wire message with its signed bytes and signature; ``MalformedEnvelope`` otherwise."""
    if not isinstance(wire, dict):
        raise MalformedEnvelope("the message is not a JSON object")
    missing = [name for name in (*SIGNED_FIELDS, "signature") if name not in wire]
    if missing:
        raise MalformedEnvelope(f"missing field(s): {', '.join(missing)}")
    if wire["format"] != FORMAT:
        raise MalformedEnvelope(f"unknown format {wire['format']!r}; expected {FORMAT!r}")
    texts = ("message_id", "sender", "recipient", "kind", "sent_at", "signature")
    if not all(isinstance(wire[name], str) for name in texts) or not isinstance(wire["body"], dict):
        raise MalformedEnvelope("message_id, sender, recipient, kind, sent_at and signature are text; body an object")
    try:
        kind = MessageKind(wire["kind"])
        sent_at = datetime.fromisoformat(wire["sent_at"])
        signature = base64.urlsafe_b64decode(wire["signature"])
    except ValueError as exc:
        raise MalformedEnvelope(f"bad kind, sent_at or signature: {exc}") from exc
    if sent_at.tzinfo is None:
        raise MalformedEnvelope("sent_at must carry its time zone")
    envelope = Envelope(wire["message_id"], wire["sender"], wire["recipient"], kind, sent_at, wire["body"])
    return envelope, canonical_bytes({name: wire[name] for name in SIGNED_FIELDS}), signature


def signature_holds(key: Ed25519PublicKey, signed: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the key's signature of ``signed``."""
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        return False
    return True
