"""Backups of an instance's database, consistent while the app keeps serving, and their restore.

SQLite is copied through its online backup API: one read transaction copies every page, so the copy is the database
as of one moment, and writers in WAL mode go on meanwhile. PostgreSQL is dumped with ``pg_dump`` (custom format,
one snapshot) and restored with ``pg_restore``. An SQLite instance also keeps its signing secret beside the database
(``<database>.secret``): the backup takes it along, since the protected identities are sealed with a key derived
from it unless ``PHANANH_IDENTITY_KEY`` is set.
"""

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from engine.core.errors import BadRequest
from engine.core.instance_secret import secret_file_of


class BackupFailed(BadRequest):
    """A backup or restore could not be made; the message says why (missing file, tool, server error)."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore wrote."""

    path: Path
    size_bytes: int
    secret_copied: bool


def backup_database(database_url: str, path: Path) -> BackupResult:
    """Write a consistent copy of the database to ``path`` (SQLite file or PostgreSQL custom-format dump)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_file(database_url)
        with sqlite3.connect(source) as live, sqlite3.connect(path) as copy:
            live.backup(copy)
        copy.close()
        secret = secret_file_of(database_url)
        if secret is None or not secret.exists():
            return BackupResult(path, path.stat().st_size, False)
        _copy_private(secret, _secret_beside(path))
        return BackupResult(path, path.stat().st_size, True)
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", _libpq_url(database_url)], "pg_dump")
    return BackupResult(path, path.stat().st_size, False)


def restore_database(database_url: str, path: Path) -> BackupResult:
    """Replace the database's contents with the backup at ``path``; stop the app and workers first."""
    path = Path(path)
    if not path.is_file():
        raise BackupFailed(f"No backup file at {path}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = _sqlite_file(database_url, must_exist=False)
        with sqlite3.connect(path) as saved, sqlite3.connect(target) as live:
            saved.backup(live)
        live.close()
        secret, saved_secret = secret_file_of(database_url), _secret_beside(path)
        if secret is None or not saved_secret.exists():
            return BackupResult(Path(target), Path(target).stat().st_size, False)
        _copy_private(saved_secret, secret)
        return BackupResult(Path(target), Path(target).stat().st_size, True)
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         f"--dbname={_libpq_url(database_url)}", str(path)],
        "pg_restore",
    )  # fmt: skip
    return BackupResult(path, path.stat().st_size, False)


def _sqlite_file(database_url: str, *, must_exist: bool = True) -> str:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupFailed("An in-memory SQLite database cannot be backed up or restored")
    if must_exist and not Path(database).is_file():
        raise BackupFailed(f"The SQLite database {database} does not exist")
    return database


def _secret_beside(path: Path) -> Path:
    return path.with_name(path.name + ".secret")


def _copy_private(source: Path, target: Path) -> None:
    """Copy a secret file, readable by its owner only."""
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def _libpq_url(database_url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL (no ``+psycopg`` driver part)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupFailed(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        lines = (finished.stderr or finished.stdout).strip().splitlines()
        raise BackupFailed(f"{tool} failed: {lines[-1] if lines else f'exit code {finished.returncode}'}")
