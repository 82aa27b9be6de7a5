"""What an admin sees of the federation: this instance's name and key, the peers and their traffic, refusals."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.core.models import FederationIdentity, FederationRefusal
from engine.federation.inbox import recent_refusals
from engine.federation.peers import PeerSummary, list_peers
from engine.people.auth import Actor
from engine.people.permissions import can_administer, require


@dataclass(frozen=True)
class FederationStatus:
    """The federation page's content (and ``GET /api/federation``)."""

    instance_name: str | None
    public_key: str | None
    peers: list[PeerSummary]
    refusals: list[FederationRefusal]


def federation_status(session: Session, actor: Actor) -> FederationStatus:
    """The instance's federation identity, its peers with their message counts and the latest refusals (admins)."""
    require(can_administer, actor)
    me = session.get(FederationIdentity, 1)
    return FederationStatus(
        instance_name=me.name if me else None, public_key=me.public_key if me else None,
        peers=list_peers(session), refusals=recent_refusals(session, limit=20),
    )  # fmt: skip
