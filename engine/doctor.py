"""Health checks for operators: database, schema level, deployed processes, timer backlog, cases in error, and
the official documents (LibreOffice converts, every unit has a signing key)."""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus, TimerStatus
from engine.core.errors import DomainError
from engine.core.instance_secret import secret_weakness
from engine.core.migrate import alembic_config
from engine.core.models import Case, CaseTimer, Unit
from engine.core.settings import Settings
from engine.documents.certificates import SigningKeyMissing, unit_signing_key
from engine.documents.converter import Converter, sample_docx
from engine.notifications.delivery import failed_emails
from engine.processes.deployment import latest_definition


@dataclass
class Finding:
    """One line of the doctor's report."""

    ok: bool
    topic: str
    message: str

    def __str__(self) -> str:
        return f"{'ok ' if self.ok else 'BAD'}  {self.topic:<10} {self.message}"


def _late(now: datetime, since: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def check_database(engine: Engine) -> list[Finding]:
    """Reachability and schema level."""
    url = engine.url.render_as_string()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return [Finding(False, "database", f"{url} is unreachable: {reason}")]
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    findings = [Finding(True, "database", f"{engine.dialect.name} at {url} answers")]
    if current == head:
        findings.append(Finding(True, "schema", f"at revision {head}, the newest"))
    elif current is None:
        findings.append(Finding(False, "schema", "not migrated: run `phananh migrate`"))
    else:
        findings.append(Finding(False, "schema", f"at revision {current}, newest is {head}: run `phananh migrate`"))
    return findings


def check_processes(session: Session, processes_dir: Path) -> list[Finding]:
    """Every BPMN file in processes/ is deployed, as its newest version."""
    findings = []
    files = sorted(processes_dir.glob("*.bpmn")) if processes_dir.is_dir() else []
    if not files:
        return [Finding(False, "processes", f"no .bpmn files in {processes_dir}")]
    for file in files:
        key = file.stem
        definition = latest_definition(session, key)
        if definition is None:
            findings.append(Finding(False, "processes", f"{file.name} is not deployed: run `phananh deploy`"))
        elif definition.content_sha256 != hashlib.sha256(file.read_bytes()).hexdigest():
            message = f"{file.name} differs from deployed v{definition.version}: run `phananh deploy`"
            findings.append(Finding(False, "processes", message))
        else:
            findings.append(Finding(True, "processes", f"{key} v{definition.version} matches {file.name}"))
    return findings


def check_timers(session: Session, now: datetime, *, late_after_minutes: int = 5) -> list[Finding]:
    """The timer backlog: due timers that nobody fires mean no worker is running."""
    waiting = session.scalar(select(func.count()).where(CaseTimer.status == TimerStatus.WAITING)) or 0
    due = select(CaseTimer).where(CaseTimer.status == TimerStatus.WAITING, CaseTimer.fire_at <= now)
    due_count = session.scalar(select(func.count()).select_from(due.subquery())) or 0
    oldest = session.scalar(
        select(func.min(CaseTimer.fire_at)).where(CaseTimer.status == TimerStatus.WAITING, CaseTimer.fire_at <= now)
    )
    expired = (
        session.scalar(
            select(func.count()).where(
                CaseTimer.status == TimerStatus.WAITING, CaseTimer.lease_until < now, CaseTimer.fire_at <= now
            )
        )
        or 0
    )
    if due_count and oldest is not None and (now - oldest).total_seconds() > late_after_minutes * 60:
        message = (
            f"{due_count} due timer(s), the oldest {_late(now, oldest)} late ({expired} with expired claims): "
            "is `phananh worker` (or `phananh serve`) running?"
        )
        return [Finding(False, "timers", message)]
    return [Finding(True, "timers", f"{waiting} waiting, {due_count} due now")]


def check_cases(session: Session) -> list[Finding]:
    """Cases stopped by an error in their process."""
    broken = list(session.scalars(select(Case.tracking_code).where(Case.status == CaseStatus.ERROR).limit(5)))
    if broken:
        where = "retry or cancel them on /cases/stuck (supervisors, designers)"
        return [Finding(False, "cases", f"cases stopped by a process error: {', '.join(broken)}; {where}")]
    return [Finding(True, "cases", "no case is stopped by an error")]


def check_outbox(session: Session) -> list[Finding]:
    """E-mails the outbox gave up on (SMTP refused every attempt): staff notifications and citizens' updates."""
    failed = failed_emails(session)
    if failed:
        where = "see email_outbox.last_error; check the PHANANH_SMTP_* settings"
        return [Finding(False, "e-mail", f"{failed} e-mail(s) failed after every retry; {where}")]
    return [Finding(True, "e-mail", "no e-mail failed")]


def check_secrets(secret_key: str) -> list[Finding]:
    """A published or short signing secret means anyone can forge sessions, on any database."""
    weakness = secret_weakness(secret_key)
    if weakness:
        return [Finding(False, "secrets", weakness)]
    return [Finding(True, "secrets", "the signing secret is set")]


def check_converter(converter: Converter) -> list[Finding]:
    """LibreOffice turns a DOCX into a PDF (the official documents' PDFs), timed from a cold start."""
    started = time.perf_counter()
    try:
        pdf = converter.convert(sample_docx())
    except DomainError as exc:
        return [Finding(False, "documents", f"DOCX → PDF does not work: {exc.message}")]
    finally:
        converter.stop()
    seconds = time.perf_counter() - started
    return [Finding(pdf.startswith(b"%PDF-"), "documents", f"LibreOffice converts DOCX to PDF ({seconds:.1f} s cold)")]


def check_signing_keys(session: Session, settings: Settings) -> list[Finding]:
    """Every active unit can sign its documents (a PKCS#12 file or a demo key); demo keys are named."""
    missing, demo = [], 0
    for unit in session.scalars(select(Unit).where(Unit.retired_at.is_(None)).order_by(Unit.code)):
        try:
            key = unit_signing_key(session, unit_id=unit.id, settings=settings)
        except SigningKeyMissing:
            missing.append(unit.code)
            continue
        demo += key.source == "database"
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        return [Finding(False, "signing", f"{len(missing)} unit(s) without a signing key: {shown}")]
    note = f" ({demo} with a DEMO certificate, no legal value)" if demo else ""
    return [Finding(True, "signing", f"every unit has a signing key{note}")]


def diagnose(
    engine: Engine,
    session_factory,
    *,
    processes_dir: Path,
    now: datetime,
    secret_key: str | None = None,
    converter: Converter | None = None,
    settings: Settings | None = None,
) -> list[Finding]:
    """All checks, in order; later checks are skipped when the database cannot be used.

    The document checks run when a ``converter`` (LibreOffice) and the ``settings`` (signing keys) are given.
    """
    findings = check_database(engine)
    if secret_key is not None:
        findings += check_secrets(secret_key)
    if not all(f.ok for f in findings):
        return findings
    with session_factory() as session:
        findings += (
            check_processes(session, processes_dir)
            + check_timers(session, now)
            + check_cases(session)
            + check_outbox(session)
        )
        if settings is not None:
            findings += check_signing_keys(session, settings)
    if converter is not None:
        findings += check_converter(converter)
    return findings
