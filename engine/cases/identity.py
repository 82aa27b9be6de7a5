"""Protected identities (Luật Tố cáo Điều 9, 47, 56): encrypted at rest, apart from the case data."""

import base64
import hashlib
import json
from datetime import datetime

from cryptography.fernet import Fernet
from sqlalchemy.orm import Session

from engine.core.models import Case, ProtectedIdentity

PROTECTED_MARK = "(được bảo vệ)"
# Fields of intake data that name the reporter, the petitioner or their relatives (Luật Tố cáo Điều 47).
PROTECTED_FIELDS = ("reporter", "petitioner", "relatives")


class IdentityVault:
    """Encrypts and decrypts reporter identities with a key derived from the configured secret."""

    def __init__(self, secret: str) -> None:
        key = base64.urlsafe_b64encode(hashlib.sha256(("identity:" + secret).encode()).digest())
        self._fernet = Fernet(key)

    def seal(self, session: Session, case: Case, identity: dict, at: datetime) -> None:
        """Store an identity for a case, encrypted."""
        token = self._fernet.encrypt(json.dumps(identity, ensure_ascii=False).encode("utf-8"))
        session.add(ProtectedIdentity(case_id=case.id, unit_id=case.unit_id, ciphertext=token, created_at=at))

    def seal_bytes(self, content: bytes) -> bytes:
        """Encrypt a file that shows an identity (e.g. a handwritten petition)."""
        return self._fernet.encrypt(content)

    def open_bytes(self, token: bytes) -> bytes:
        """Decrypt a file sealed with ``seal_bytes``."""
        return self._fernet.decrypt(token)

    def open(self, session: Session, case: Case) -> dict | None:
        """The decrypted identity of a case, or None for an anonymous report."""
        row = session.get(ProtectedIdentity, case.id)
        if row is None:
            return None
        return json.loads(self._fernet.decrypt(row.ciphertext).decode("utf-8"))


def copy_identity(session: Session, *, source: Case, target: Case, at: datetime) -> bool:
    """Give ``target`` the sealed identity of ``source`` (the ciphertext is copied, never decrypted).

    Returns False when ``source`` has no identity (an anonymous petition).
    """
    row = session.get(ProtectedIdentity, source.id)
    if row is None:
        return False
    session.add(ProtectedIdentity(case_id=target.id, unit_id=target.unit_id, ciphertext=row.ciphertext, created_at=at))
    session.flush()
    return True


def split_identity(data: dict) -> tuple[dict, dict | None]:
    """Separate the protected identity fields from intake data; the case keeps only a marker in their place.

    The identity is a dict keyed by field (``{"petitioner": {...}, "relatives": [...]}``), or None when the
    intake names nobody (an anonymous report).
    """
    identity = {name: data[name] for name in PROTECTED_FIELDS if data.get(name)}
    rest = {k: v for k, v in data.items() if k not in PROTECTED_FIELDS}
    for name in identity:
        rest[name] = PROTECTED_MARK
    if not identity:
        rest["anonymous"] = True
        return rest, None
    return rest, identity
