"""The hash-chained audit log: hash = sha256(prev_hash + canonical_json(event))."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.core.models import AuditEvent, Case

GENESIS_HASH = "0" * 64
INSERT_EVENTS = insert(AuditEvent.__table__)  # a table insert, built once: no ORM bookkeeping per event


def canonical_json(value: object) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


HASHED_FIELDS = ("case_id", "seq", "kind", "actor", "at", "task_id", "payload")


def event_body(event: AuditEvent | dict) -> dict:
    """The hashed part of an event (a stored row or a row about to be written)."""
    get = event.get if isinstance(event, dict) else lambda name: getattr(event, name)
    body: dict[str, Any] = {name: get(name) for name in HASHED_FIELDS}
    body["at"] = body["at"].isoformat()
    return body


def chain_hash(prev_hash: str, event: AuditEvent | dict) -> str:
    """The hash of one link of the chain."""
    return hashlib.sha256((prev_hash + canonical_json(event_body(event))).encode("utf-8")).hexdigest()


class AuditTrail:
    """Appends events to one case's chain; ``write`` stores them in one statement within the transaction."""

    def __init__(self, session: Session, case: Case) -> None:
        self.session = session
        self.case = case
        self._pending: list[dict] = []

    def append(
        self, *, kind: str, actor: str, at: datetime, task_id: str | None = None, payload: dict | None = None
    ) -> dict:
        """Add one event after the last one of the case; the case row keeps the chain's head."""
        prev_hash = self.case.audit_head or GENESIS_HASH
        row: dict[str, Any] = {
            "case_id": self.case.id,
            "unit_id": self.case.unit_id,
            "seq": (self.case.audit_seq or 0) + 1,
            "kind": kind,
            "actor": actor,
            "at": at.astimezone(UTC),
            "task_id": task_id,
            "payload": payload or {},  # callers pass JSON-native values, so the stored payload hashes the same
            "prev_hash": prev_hash,
        }
        row["hash"] = chain_hash(prev_hash, row)
        self.case.audit_seq, self.case.audit_head = row["seq"], row["hash"]
        self._pending.append(row)
        return row

    def write(self) -> None:
        """Insert the appended events (a concurrent writer of the same seq makes this fail: no forks)."""
        if self._pending:
            self.session.execute(INSERT_EVENTS, self._pending)
            self._pending = []


@dataclass
class ChainVerdict:
    """Whether a case's history is intact, and where it breaks if not."""

    valid: bool
    count: int
    broken_at_seq: int | None = None


def verify_chain(session: Session, case_id: int) -> ChainVerdict:
    """Recompute every hash of a case's events in order, then check the chain ends at the head the case row keeps.

    The case row stores the last event's sequence number and hash with every write, so deleting the newest events
    (which leaves a shorter chain that is valid in itself) is caught: the recomputed end no longer meets the head.
    """
    events = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))
    prev_hash, count = GENESIS_HASH, 0
    for expected_seq, event in enumerate(events, start=1):
        count += 1
        if event.seq != expected_seq or event.prev_hash != prev_hash or chain_hash(prev_hash, event) != event.hash:
            return ChainVerdict(valid=False, count=count, broken_at_seq=event.seq)
        prev_hash = event.hash
    head = session.execute(select(Case.audit_seq, Case.audit_head).where(Case.id == case_id)).first()
    if head is not None and (head.audit_seq != count or head.audit_head != prev_hash):
        return ChainVerdict(valid=False, count=count, broken_at_seq=count + 1)
    return ChainVerdict(valid=True, count=count)
