"""The instance's signing secret: from the environment in production, else generated once and kept with the database.

There is no usable built-in default: a secret anyone can read in the source would let anyone sign a session. For an
SQLite database the secret is generated on first use and kept in a file beside it, readable by its owner only
(mode 0600), so `make run` needs no set-up and sessions survive a restart. Every other database needs
``PHANANH_SECRET_KEY``: several processes must share one secret, and only the environment reaches them all.
"""

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.core.errors import DomainError

# The default of earlier versions: still refused wherever it appears, because it is public.
PUBLISHED_DEFAULT_SECRET = "phananh-dev-secret-change-me-in-production-0123456789"
MINIMUM_SECRET_LENGTH = 32


class SecretMissing(DomainError):
    """A database that needs ``PHANANH_SECRET_KEY`` was configured without it (a DomainError, so settings
    validation lets it through as it is and the CLI prints its one line)."""


def secret_file_of(database_url: str) -> Path | None:
    """The file beside an SQLite database file that keeps its secret; None for other databases and memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).with_name(Path(url.database).name + ".secret")


def resolve_secret_key(configured: str, database_url: str) -> str:
    """The secret to sign with: the configured one, else the SQLite database's own, generated on first use."""
    if configured:
        return configured
    if make_url(database_url).get_backend_name() != "sqlite":
        raise SecretMissing(
            "PHANANH_SECRET_KEY is not set: a PostgreSQL deployment needs one secret shared by all its processes "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    path = secret_file_of(database_url)
    if path is None:
        return secrets.token_urlsafe(48)
    return _read_or_create(path)


def _read_or_create(path: Path) -> str:
    """Read the secret file, or create it with a new random secret, readable by its owner only."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    return secret


def secret_weakness(secret_key: str) -> str | None:
    """Why a secret must not be used (published default, too short), or None when it is fit."""
    if secret_key == PUBLISHED_DEFAULT_SECRET:
        return "PHANANH_SECRET_KEY is the default published in earlier versions: set a random secret"
    if len(secret_key) < MINIMUM_SECRET_LENGTH:
        return f"PHANANH_SECRET_KEY is shorter than {MINIMUM_SECRET_LENGTH} characters"
    return None
