"""The transactional outbox: a message is queued in the same transaction as the change that causes it, then
delivered by the worker (or the web process's scheduler), signed at each attempt, retried with backoff while the
peer is down. Delivery is at least once; the receiver keeps every message id, so each arrives exactly once."""

import http.client
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from engine.cases.identity import IdentityVault
from engine.core.db import rows_matched, transaction
from engine.core.models import FederationIdentity, FederationOutbox, FederationPeer
from engine.federation.enums import MessageKind, OutboxStatus
from engine.federation.envelope import Envelope, sign_envelope
from engine.federation.keys import open_instance_keys
from engine.federation.peers import peer_named

MESSAGES_PATH = "/api/federation/messages"
LEASE = timedelta(seconds=60)
MAX_BACKOFF_SECONDS = 300

Poster = Callable[[str, bytes], int]
"""Sends one JSON body to a URL and returns the HTTP status; raises OSError when the peer cannot be reached."""


def queue_message(
    session: Session, *, peer: str, kind: MessageKind, body: dict, now: datetime, case_id: int | None = None
) -> FederationOutbox:
    """Queue a message for a registered peer in the caller's transaction (sent only if the caller commits)."""
    peer_named(session, peer)
    row = FederationOutbox(
        message_id=str(uuid.uuid4()), peer=peer, kind=kind, body=body, case_id=case_id,
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, created_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 2, 4, 8 … seconds, at most five minutes."""
    return timedelta(seconds=min(2 ** min(attempts, 16), MAX_BACKOFF_SECONDS))


class HttpPoster:
    """Posts JSON over kept-alive HTTP connections, one per peer address."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._connections: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def __call__(self, url: str, body: bytes) -> int:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        connection = self._connections.get(key)
        if connection is None:
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            connection = self._connections[key] = kind(parts.netloc, timeout=self.timeout)
        try:
            connection.request("POST", parts.path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            del self._connections[key]
            raise OSError(f"{parts.netloc}: {exc}") from exc

    def close(self) -> None:
        """Close every connection."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()


@dataclass(frozen=True)
class DeliveryPass:
    """What one pass over the outbox did."""

    delivered: int
    retried: int


def _claim_due(session: Session, *, now: datetime, batch_size: int) -> list[FederationOutbox]:
    due = (
        select(FederationOutbox.id)
        .where(
            FederationOutbox.status == OutboxStatus.PENDING, FederationOutbox.next_attempt_at <= now,
            or_(FederationOutbox.claimed_until.is_(None), FederationOutbox.claimed_until < now),
        )
        .order_by(FederationOutbox.id)
        .limit(batch_size)
    )  # fmt: skip
    ids = list(session.scalars(due))
    if not ids:
        return []
    claimed = session.scalars(
        update(FederationOutbox)
        .where(
            FederationOutbox.id.in_(ids),
            or_(FederationOutbox.claimed_until.is_(None), FederationOutbox.claimed_until < now),
        )
        .values(claimed_until=now + LEASE)
        .returning(FederationOutbox.id)
    ).all()
    return list(session.scalars(select(FederationOutbox).where(FederationOutbox.id.in_(claimed))))


def deliver_outbox(
    factory: sessionmaker[Session],
    vault: IdentityVault,
    *,
    now: datetime,
    batch_size: int = 200,
    post: Poster | None = None,
) -> DeliveryPass:
    """Send the due messages once each (signed now); mark them delivered or due again after a backoff.

    A peer that cannot be reached is not tried again in this pass. Nothing happens before this instance has its
    federation keys.
    """
    with transaction(factory) as session:
        if session.get(FederationIdentity, 1) is None:
            return DeliveryPass(0, 0)
        keys = open_instance_keys(session, vault)
        rows = _claim_due(session, now=now, batch_size=batch_size)
        urls = {peer.name: peer.url for peer in session.scalars(select(FederationPeer))}
        outgoing = [
            (row.id, row.peer, sign_envelope(
                Envelope(row.message_id, keys.name, row.peer, MessageKind(row.kind), now, row.body), keys.signing_key
            ))
            for row in rows
        ]  # fmt: skip
    if not outgoing:
        return DeliveryPass(0, 0)
    sender = post or HttpPoster()
    failures: dict[int, str] = {}
    unreachable: dict[str, str] = {}
    try:
        for row_id, peer, wire in outgoing:
            if peer in unreachable:
                failures[row_id] = unreachable[peer]
                continue
            try:
                status = sender(urls[peer] + MESSAGES_PATH, json.dumps(wire, ensure_ascii=False).encode("utf-8"))
            except OSError as exc:
                failures[row_id] = unreachable[peer] = f"không kết nối được: {exc}"
                continue
            if status not in (200, 202):
                failures[row_id] = f"HTTP {status}"
    finally:
        if post is None and isinstance(sender, HttpPoster):
            sender.close()
    _record_outcomes(factory, [row_id for row_id, _, _ in outgoing], failures, now=now)
    return DeliveryPass(delivered=len(outgoing) - len(failures), retried=len(failures))


def _record_outcomes(
    factory: sessionmaker[Session], ids: list[int], failures: dict[int, str], *, now: datetime
) -> None:
    with transaction(factory) as session:
        delivered = [row_id for row_id in ids if row_id not in failures]
        if delivered:
            session.execute(
                update(FederationOutbox)
                .where(FederationOutbox.id.in_(delivered))
                .values(
                    status=OutboxStatus.DELIVERED,
                    delivered_at=now,
                    claimed_until=None,
                    last_error=None,
                    attempts=FederationOutbox.attempts + 1,
                )  # fmt: skip
            )
        for row in session.scalars(select(FederationOutbox).where(FederationOutbox.id.in_(list(failures)))):
            row.attempts += 1
            row.last_error = failures[row.id][:500]
            row.next_attempt_at = now + backoff(row.attempts)
            row.claimed_until = None


def retry_now(session: Session, *, peer: str, now: datetime) -> int:
    """Make every message waiting for ``peer`` due now (after the peer is back); returns how many."""
    peer_named(session, peer)
    result = session.execute(
        update(FederationOutbox)
        .where(FederationOutbox.peer == peer, FederationOutbox.status == OutboxStatus.PENDING)
        .values(next_attempt_at=now, claimed_until=None)
    )
    return rows_matched(result)
