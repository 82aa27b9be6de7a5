"""This instance's federation identity: its name, an Ed25519 key pair to sign and an X25519 key pair to receive
sealed parts; the private keys are stored sealed by the vault, the public key is shared as one text token."""

import base64
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlalchemy.orm import Session

from engine.cases.identity import IdentityVault
from engine.core.errors import BadRequest, NotFound
from engine.core.models import FederationIdentity
from engine.federation.names import check_instance_name

KEY_PREFIX = "pa1"
_RAW_PUBLIC = (Encoding.Raw, PublicFormat.Raw)
_RAW_PRIVATE = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class PeerKey:
    """A peer's public keys, read from the token ``pa1.<ed25519>.<x25519>`` that ``phananh instance key`` prints."""

    verify_key: Ed25519PublicKey
    exchange_key: X25519PublicKey


def parse_public_key(token: str) -> PeerKey:
    """The public keys in a token; ``BadRequest`` naming the problem for anything else."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise BadRequest(
            f"Khóa công khai không đúng dạng {KEY_PREFIX}.<ed25519>.<x25519> "
            "(lệnh `phananh instance key` in ra khóa này)"
        )
    try:
        verify, exchange = _unb64(parts[1]), _unb64(parts[2])
        return PeerKey(Ed25519PublicKey.from_public_bytes(verify), X25519PublicKey.from_public_bytes(exchange))
    except ValueError as exc:
        raise BadRequest(f"Khóa công khai không hợp lệ: cần hai khóa 32 byte ({exc})") from exc


@dataclass(frozen=True)
class InstanceKeys:
    """The private keys of this instance, opened for signing and unsealing."""

    name: str
    signing_key: Ed25519PrivateKey
    exchange_key: X25519PrivateKey
    public_key: str


def _public_token(signing: Ed25519PrivateKey, exchange: X25519PrivateKey) -> str:
    verify = signing.public_key().public_bytes(*_RAW_PUBLIC)
    receive = exchange.public_key().public_bytes(*_RAW_PUBLIC)
    return f"{KEY_PREFIX}.{_b64(verify)}.{_b64(receive)}"


def create_instance_identity(session: Session, vault: IdentityVault, *, name: str, now: datetime) -> FederationIdentity:
    """Give this instance its name and new key pairs (once; ``BadRequest`` if it already has them)."""
    check_instance_name(name)
    if session.get(FederationIdentity, 1) is not None:
        raise BadRequest("Hệ thống này đã có tên và khóa liên thông")
    signing, exchange = Ed25519PrivateKey.generate(), X25519PrivateKey.generate()
    row = FederationIdentity(
        id=1, name=name, public_key=_public_token(signing, exchange), created_at=now,
        signing_key=vault.seal_bytes(signing.private_bytes(*_RAW_PRIVATE)),
        exchange_key=vault.seal_bytes(exchange.private_bytes(*_RAW_PRIVATE)),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def instance_identity(session: Session) -> FederationIdentity:
    """This instance's stored identity; ``NotFound`` before ``phananh instance key --name`` has made it."""
    row = session.get(FederationIdentity, 1)
    if row is None:
        raise NotFound("Hệ thống này chưa có tên liên thông: chạy lệnh `phananh instance key --name TÊN`")
    return row


def open_instance_keys(session: Session, vault: IdentityVault) -> InstanceKeys:
    """This instance's private keys, decrypted for use."""
    row = instance_identity(session)
    return InstanceKeys(
        name=row.name, public_key=row.public_key,
        signing_key=Ed25519PrivateKey.from_private_bytes(vault.open_bytes(row.signing_key)),
        exchange_key=X25519PrivateKey.from_private_bytes(vault.open_bytes(row.exchange_key)),
    )  # fmt: skip
