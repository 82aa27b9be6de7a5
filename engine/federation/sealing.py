"""Identity-bearing parts travel sealed to the receiving instance's X25519 key (never in clear on the way).

A sealed part is ``{"ephemeral": b64, "nonce": b64, "ciphertext": b64}``: an ephemeral X25519 key agreed with the
recipient's key, HKDF-SHA256 to a ChaCha20-Poly1305 key; the recipient's name is bound in as associated data.
"""

import base64
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from engine.core.errors import BadRequest

_INFO = b"phananh-federation/1 sealed part"


def _key(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(shared)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def seal_part(plaintext: bytes, *, recipient_key: X25519PublicKey, recipient: str) -> dict[str, str]:
    """``plaintext`` sealed so that only the instance holding ``recipient_key``'s private half can open it."""
    ephemeral = X25519PrivateKey.generate()
    nonce = os.urandom(12)
    cipher = ChaCha20Poly1305(_key(ephemeral.exchange(recipient_key)))
    return {
        "ephemeral": _b64(ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
        "nonce": _b64(nonce),
        "ciphertext": _b64(cipher.encrypt(nonce, plaintext, recipient.encode())),
    }


def open_part(sealed: dict[str, str], *, key: X25519PrivateKey, recipient: str) -> bytes:
    """The plaintext of a part sealed to this instance; ``BadRequest`` if it was not, or was changed."""
    try:
        ephemeral = X25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(sealed["ephemeral"]))
        cipher = ChaCha20Poly1305(_key(key.exchange(ephemeral)))
        nonce, ciphertext = base64.urlsafe_b64decode(sealed["nonce"]), base64.urlsafe_b64decode(sealed["ciphertext"])
        return cipher.decrypt(nonce, ciphertext, recipient.encode())
    except Exception as exc:  # any failure means the same thing to the caller: not openable here
        raise BadRequest("Không mở được phần dữ liệu niêm phong bằng khóa của hệ thống này") from exc
