"""Bearer tokens: verified once per process, then only their expiry is checked again."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from engine.core.models import User
from engine.people import auth
from engine.people.auth import issue_token, read_token

SECRET = "a-secret-key-long-enough-for-hs256-tokens"
ISSUED = datetime(2025, 1, 14, 8, 0, tzinfo=UTC)


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """The tokens PyJWT was asked to verify (the remembered ones are forgotten first)."""
    seen: list[str] = []
    real_decode = jwt.decode

    def counting_decode(token, *args, **kwargs):
        seen.append(token)
        return real_decode(token, *args, **kwargs)

    auth._verified.cache_clear()
    monkeypatch.setattr(auth.jwt, "decode", counting_decode)
    yield seen
    auth._verified.cache_clear()


def _token(minutes: int = 60, issued: datetime | None = None) -> str:
    return issue_token(User(username="officer1"), secret=SECRET, minutes=minutes, now=issued or datetime.now(UTC))


def test_a_token_is_verified_once_and_then_read_from_memory(decodes):
    token = _token()
    first, again = read_token(token, secret=SECRET), read_token(token, secret=SECRET)
    assert first is not None and first == again and first.username == "officer1"
    assert decodes == [token]


def test_a_remembered_token_is_refused_once_it_expires(decodes):
    token = _token(minutes=5)
    signed = read_token(token, secret=SECRET)
    assert signed is not None
    assert read_token(token, secret=SECRET, now=signed.expires_at - timedelta(seconds=1)) == signed
    assert read_token(token, secret=SECRET, now=signed.expires_at) is None
    assert read_token(token, secret=SECRET, now=signed.expires_at + timedelta(hours=1)) is None
    assert decodes == [token]


def test_a_bad_token_is_never_remembered_and_never_accepted(decodes):
    token = _token()
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert read_token(forged, secret=SECRET) is None
    assert read_token(forged, secret=SECRET) is None
    assert read_token(token, secret="another-secret-key-long-enough-for-hs256") is None
    assert read_token(token, secret=SECRET) is not None
    assert decodes == [forged, forged, token, token]


def test_a_token_expired_when_first_seen_is_refused(decodes):
    expired = _token(minutes=5, issued=ISSUED)  # expired on 14/01/2025
    assert read_token(expired, secret=SECRET, now=ISSUED) is None  # PyJWT checks against the real clock
    assert decodes == [expired]
