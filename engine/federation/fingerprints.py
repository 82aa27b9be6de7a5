"""The same matter across bodies: each petition publishes a keyed fingerprint of its petitioner and its subject
(HMAC-SHA256 with the key the federation shares, no identity in clear) to every peer; triage shows where a new
petition's matter is already handled ("Quận 3 since 12/10/2026, DT-2026-00041")."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import Case, FederationIdentity, FederationInbox, FederationPeer, MatterFingerprint, Unit
from engine.federation.enums import MessageKind
from engine.federation.handlers import handles
from engine.federation.outbox import queue_message
from engine.petitions.duplicates import normalize

SEPARATOR = "\x1f"


def fingerprint_of(key: str, *, petitioner: str, subject: str) -> str:
    """The matter's fingerprint: HMAC-SHA256 (hex) of the petitioner's and the subject's names, normalized
    (lower case, no diacritics, single spaces), so "Nguyễn Văn A" and "NGUYEN VAN A" give the same one."""
    message = normalize(petitioner) + SEPARATOR + normalize(subject)
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def petitioner_name(identity: dict | None) -> str | None:
    """The petitioner's (or reporter's) name in a sealed identity, if any."""
    for field in ("petitioner", "reporter"):
        person = (identity or {}).get(field)
        if isinstance(person, dict) and str(person.get("name") or "").strip():
            return str(person["name"])
    return None


def _own_name(session: Session) -> str:
    me = session.get(FederationIdentity, 1)
    return me.name if me else ""


def publish_fingerprint(
    session: Session, *, key: str, case: Case, petitioner: str, subject: str, now: datetime
) -> None:
    """Keep the petition's fingerprint and queue it for every peer (once per petition, in the caller's transaction)."""
    known = select(MatterFingerprint.id).where(MatterFingerprint.case_id == case.id)
    if session.scalar(known) is not None:
        return
    unit = session.get_one(Unit, case.unit_id)
    row = MatterFingerprint(
        fingerprint=fingerprint_of(key, petitioner=petitioner, subject=subject), instance=_own_name(session),
        unit_name=unit.name, tracking_code=case.tracking_code, since=case.created_at.date(), case_id=case.id,
        recorded_at=now,
    )  # fmt: skip
    session.add(row)
    body = {"fingerprint": row.fingerprint, "unit_name": row.unit_name, "tracking_code": row.tracking_code,
            "since": row.since.isoformat()}  # fmt: skip
    for peer in session.scalars(select(FederationPeer.name)):
        queue_message(session, peer=peer, kind=MessageKind.MATTER_FINGERPRINT, body=body, now=now)


@handles(MessageKind.MATTER_FINGERPRINT)
def keep_published_fingerprint(session: Session, services: object, message: FederationInbox, now: datetime) -> None:
    """A peer published one of its petitions' fingerprints: keep it (once per peer and tracking code)."""
    body = message.body
    exists = select(MatterFingerprint.id).where(
        MatterFingerprint.instance == message.sender, MatterFingerprint.tracking_code == body["tracking_code"]
    )
    if session.scalar(exists) is None:
        session.add(MatterFingerprint(
            fingerprint=str(body["fingerprint"])[:64], instance=message.sender, unit_name=str(body["unit_name"])[:255],
            tracking_code=str(body["tracking_code"])[:32], since=date.fromisoformat(body["since"]), recorded_at=now,
        ))  # fmt: skip


@dataclass(frozen=True)
class HandledElsewhere:
    """A petition of another instance about the same matter."""

    instance: str
    unit_name: str
    tracking_code: str
    since: date


def handled_elsewhere(session: Session, case: Case) -> list[HandledElsewhere]:
    """The petitions of other instances with this petition's fingerprint, oldest first (none without one)."""
    own = session.scalar(select(MatterFingerprint).where(MatterFingerprint.case_id == case.id))
    if own is None:
        return []
    others = select(MatterFingerprint).where(
        MatterFingerprint.fingerprint == own.fingerprint, MatterFingerprint.case_id.is_(None),
        MatterFingerprint.instance != own.instance,
    ).order_by(MatterFingerprint.since, MatterFingerprint.id)  # fmt: skip
    return [HandledElsewhere(r.instance, r.unit_name, r.tracking_code, r.since) for r in session.scalars(others)]
