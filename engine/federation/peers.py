"""The peers an admin registered: other instances this one sends to and accepts messages from."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, Conflict, NotFound
from engine.core.models import FederationInbox, FederationOutbox, FederationPeer
from engine.federation.enums import OutboxStatus
from engine.federation.keys import PeerKey, parse_public_key
from engine.federation.names import check_instance_name
from engine.people.auth import Actor
from engine.people.permissions import can_administer, require


def add_peer(
    session: Session, *, name: str, url: str, public_key: str, added_by: str, now: datetime, upward: bool = False
) -> FederationPeer:
    """Register a peer instance by its name, base URL and public key token (``upward``: the instance this one sends
    its periodic reports to); the caller commits."""
    check_instance_name(name)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadRequest(
            f"Địa chỉ {url!r} không hợp lệ: cần địa chỉ http(s) của hệ thống, ví dụ https://phananh.quan3.example"
        )
    parse_public_key(public_key)
    if session.get(FederationPeer, name) is not None:
        raise Conflict(f"Hệ thống {name!r} đã được đăng ký")
    peer = FederationPeer(
        name=name, url=url.rstrip("/"), public_key=public_key.strip(), upward=upward, added_by=added_by, added_at=now
    )
    session.add(peer)
    session.flush()
    return peer


def peer_named(session: Session, name: str) -> FederationPeer:
    """A registered peer; ``NotFound`` otherwise."""
    peer = session.get(FederationPeer, name)
    if peer is None:
        raise NotFound(f"Chưa đăng ký hệ thống liên thông {name!r} (xem: phananh peer list)")
    return peer


def peer_key(peer: FederationPeer) -> PeerKey:
    """The public keys of a registered peer."""
    return parse_public_key(peer.public_key)


@dataclass(frozen=True)
class PeerSummary:
    """A peer with the traffic so far: messages waiting for it, delivered to it, received from it."""

    name: str
    url: str
    public_key: str
    upward: bool
    added_at: datetime
    waiting: int
    delivered: int
    received: int
    last_error: str | None


def list_peers(session: Session) -> list[PeerSummary]:
    """Every registered peer with its message counts, by name."""
    outbox = dict(
        session.execute(
            select(FederationOutbox.peer, func.count())
            .where(FederationOutbox.status == OutboxStatus.PENDING)
            .group_by(FederationOutbox.peer)
        ).all()
    )
    delivered = dict(
        session.execute(
            select(FederationOutbox.peer, func.count())
            .where(FederationOutbox.status == OutboxStatus.DELIVERED)
            .group_by(FederationOutbox.peer)
        ).all()
    )
    received = dict(
        session.execute(select(FederationInbox.sender, func.count()).group_by(FederationInbox.sender)).all()
    )
    errors = dict(
        session.execute(
            select(FederationOutbox.peer, func.max(FederationOutbox.last_error))
            .where(FederationOutbox.status == OutboxStatus.PENDING, FederationOutbox.last_error.is_not(None))
            .group_by(FederationOutbox.peer)
        ).all()
    )
    return [
        PeerSummary(
            name=peer.name,
            url=peer.url,
            public_key=peer.public_key,
            upward=peer.upward,
            added_at=peer.added_at,
            waiting=outbox.get(peer.name, 0),
            delivered=delivered.get(peer.name, 0),
            received=received.get(peer.name, 0),
            last_error=errors.get(peer.name),
        )  # fmt: skip
        for peer in session.scalars(select(FederationPeer).order_by(FederationPeer.name))
    ]


def register_peer(
    session: Session, actor: Actor, *, name: str, url: str, public_key: str, now: datetime, upward: bool = False
) -> FederationPeer:
    """An admin registers a peer (the page and ``POST /api/federation/peers``); the caller commits."""
    require(can_administer, actor)
    return add_peer(session, name=name, url=url, public_key=public_key, added_by=actor.username, now=now, upward=upward)
