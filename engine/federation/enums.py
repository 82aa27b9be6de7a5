"""The kinds of federation message and the states of the outbox."""

from enum import StrEnum


class MessageKind(StrEnum):
    """What a message between instances carries (the ``kind`` of the envelope; docs/federation.schema.json)."""

    TRANSFER = "transfer"
    ACKNOWLEDGEMENT = "acknowledgement"
    PROGRESS = "progress"
    RESULT = "result"
    PERIODIC_REPORT = "periodic_report"
    MATTER_FINGERPRINT = "matter_fingerprint"


class OutboxStatus(StrEnum):
    """A queued message waits (``pending``, retried with backoff while the peer is down) or was ``delivered``."""

    PENDING = "pending"
    DELIVERED = "delivered"


class RefusalReason(StrEnum):
    """Why a received message was refused (recorded in ``federation_refusals``)."""

    MALFORMED = "malformed"
    UNKNOWN_PEER = "unknown_peer"
    BAD_SIGNATURE = "bad_signature"
    WRONG_RECIPIENT = "wrong_recipient"
    OUTSIDE_WINDOW = "outside_window"


class TransferState(StrEnum):
    """Where a transferred petition stands, as the sending body sees it."""

    SENT = "sent"
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
