"""The ``phananh`` command line: migrate, deploy, lint, demo, serve, worker, create-user, instance, peer."""

import logging
from pathlib import Path
from typing import Annotated

import typer

from engine.core.db import (
    AnyDatabaseError,
    DatabaseUnavailable,
    database_error_reason,
    engine_from_settings,
    ensure_ready,
    make_engine,
    make_session_factory,
    read_only_connection,
    transaction,
)
from engine.core.errors import DomainError
from engine.core.settings import get_settings

app = typer.Typer(help="Phản Ánh: xử lý thông tin phản ánh theo quy trình BPMN.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def _ready_factory():
    engine = engine_from_settings(get_settings())
    ensure_ready(engine)
    return make_session_factory(engine)


def _services(factory=None):
    """Engine services; with a session factory the form catalog also finds the forms saved from the web editor."""
    from engine.services import build_services

    return build_services(get_settings(), session_factory=factory)


def _guard(action):
    """Run a command body, turning expected failures into one line on stderr."""
    try:
        return action()
    except DomainError as exc:
        _fail(exc.message)
    except DatabaseUnavailable as exc:
        _fail(f"database error: {database_error_reason(exc)}")
    except AnyDatabaseError as exc:
        _fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from engine.core.migrate import upgrade_to_head

    def run() -> None:
        engine = make_engine(get_settings().database_url)
        upgrade_to_head(engine)
        typer.echo(f"database {engine.url.render_as_string()} is at the newest schema")

    _guard(run)


@app.command()
def deploy(
    path: Annotated[Path | None, typer.Argument(help="a .bpmn file or a folder of them (default: processes/)")] = None,
) -> None:
    """Check and deploy BPMN files as new process versions (unchanged files are skipped)."""
    from engine.processes.deployment import deploy_path

    def run() -> None:
        factory = _ready_factory()
        services = _services(factory)
        with transaction(factory) as session:
            target = path or get_settings().processes_dir
            for result in deploy_path(session, target, forms=services.forms, deployed_by="cli"):
                state = "deployed" if result.created else "unchanged"
                typer.echo(f"{result.definition.key} v{result.definition.version}: {state}")

    _guard(run)


@app.command()
def lint(
    paths: Annotated[list[Path], typer.Argument(help=".bpmn files or folders of them")],
) -> None:
    """Lint BPMN files without deploying: one line per problem "severity element line message"; exit 1 on errors."""
    from engine.processes.lint import lint_bpmn

    settings = get_settings()
    services = _services()
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        _fail(f"{', '.join(missing)} does not exist")
    files = [file for path in paths for file in (sorted(path.glob("*.bpmn")) if path.is_dir() else [path])]
    failed = False
    for file in files:
        content = file.read_bytes()
        if len(content) > settings.max_bpmn_bytes:
            typer.echo(f"{file}: error - - larger than the limit of {settings.max_bpmn_bytes} bytes")
            failed = True
            continue
        report = lint_bpmn(content, file.name, services.forms)
        for problem in report.problems:
            where = f"{problem.element_id or '-'} {problem.line or '-'}"
            typer.echo(f"{file}: {problem.severity} {where} {problem.message}")
        state = "ok" if report.ok else "refused"
        typer.echo(f"{file}: {state} ({len(report.errors)} errors, {len(report.warnings)} warnings)")
        failed = failed or not report.ok
    if failed:
        raise typer.Exit(code=1)


@app.command()
def demo() -> None:
    """Load demo units, users (password phananh-demo) and cases."""
    from engine.demo import CUSTODIAN, DEMO_PASSWORD, DEMO_USERS, load_demo, load_demo_certificates

    def run() -> None:
        factory = _ready_factory()
        services = _services(factory)
        if load_demo(factory, services):  # it makes the demo signing certificates before the demo cases
            users = ", ".join([*(u for u, _, _ in DEMO_USERS), CUSTODIAN[0]])
            typer.echo(f"demo data loaded; users {users} (password {DEMO_PASSWORD})")
            typer.echo("demo signing certificates (DEMO CA, no legal value) made for every unit")
        else:
            typer.echo("demo data already present; nothing to do")
        made = load_demo_certificates(factory, services)
        if made:
            typer.echo(f"demo signing certificates (DEMO CA, no legal value) made for {made} new unit(s)")

    _guard(run)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="web processes (use PostgreSQL when more than 1)")] = 1,
) -> None:
    """Serve the web app and REST API (the timer scheduler runs inside unless PHANANH_SCHEDULER_ENABLED=false)."""
    import uvicorn

    _guard(_ready_factory)
    if workers > 1 and get_settings().database_url.startswith("sqlite"):
        _fail("several web processes need PostgreSQL (PHANANH_DATABASE_URL=postgresql+psycopg://…)")
    typer.echo(f"Phản Ánh on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, **server_options())


def server_options() -> dict[str, object]:
    """The uvicorn options of ``serve`` besides the app, address and process count (bench/bench_http.py serves its
    bare FastAPI baseline with the same).

    uvloop and httptools (C) instead of asyncio's pure-Python loop and h11: named, not left to uvicorn's "auto",
    so a server without them fails at start instead of quietly running slower.
    """
    return {"log_level": "info", "loop": "uvloop", "http": "httptools", **proxy_options(get_settings().trusted_proxies)}


def proxy_options(trusted_proxies: str) -> dict[str, object]:
    """uvicorn's forwarded-header options: X-Forwarded-For is read only from the listed proxies, never by default.

    uvicorn itself trusts 127.0.0.1 unless told otherwise, so a client on the same machine could pick any address
    (and so any rate-limit counter) by sending the header.
    """
    if not trusted_proxies.strip():
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted_proxies}


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="the backup file to write")]) -> None:
    """Copy the database to PATH while the app keeps serving (SQLite online backup, PostgreSQL pg_dump)."""
    from engine.core.backup import backup_database

    result = _guard(lambda: backup_database(get_settings().database_url, path))
    secret = " (with the instance secret beside it)" if result.secret_copied else ""
    typer.echo(f"backup written to {result.path}: {result.size_bytes:,} bytes{secret}".replace(",", "."))


@app.command()
def restore(path: Annotated[Path, typer.Argument(help="a backup file written by `phananh backup`")]) -> None:
    """Replace the database's contents with the backup at PATH (stop the web and worker processes first)."""
    from engine.core.backup import restore_database

    result = _guard(lambda: restore_database(get_settings().database_url, path))
    typer.echo(f"database restored from {path}")
    if result.secret_copied:
        typer.echo("the instance secret was restored too")


def _anything_due() -> bool:
    """Ask the database with a few Core queries whether a worker pass would do anything now."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from engine.due_work import work_due

    settings = get_settings()
    engine = engine_from_settings(settings)
    try:
        ensure_ready(engine)
        with read_only_connection(engine) as connection:  # SQLite: waits for no writer's lock
            due = work_due(
                connection, now=datetime.now(UTC), zone=ZoneInfo(settings.timezone), smtp=bool(settings.smtp_host),
                form_max_seconds=settings.portal_form_max_seconds,
            )  # fmt: skip
    finally:
        engine.dispose()
    return due is not None


@app.command()
def worker(
    interval: Annotated[
        float, typer.Option(help="seconds between housekeeping passes (outbox, digests, e-mail)")
    ] = 5.0,
    poll: Annotated[float, typer.Option(help="longest sleep before looking for newly due timers again")] = 1.0,
    batch_size: Annotated[int, typer.Option(help="timers claimed per batch")] = 100,
    lease_seconds: Annotated[float, typer.Option(help="how long a claim holds before others may take it")] = 60.0,
    once: Annotated[bool, typer.Option(help="fire what is due now, then exit")] = False,
) -> None:
    """Fire due timers as they fall due, deliver messages to peer instances and send queued e-mail in a loop.

    Run as many workers as you like against PostgreSQL.
    """
    if once and not _guard(_anything_due):
        return  # nothing due: the runtime, the models and SpiffWorkflow were never loaded
    import threading
    from datetime import timedelta

    from engine.cases.scheduler import TimerWorker, WorkerSettings, default_worker_id

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # a line per task state change would cost more than a fire
    settings = WorkerSettings(
        worker_id=default_worker_id(), batch_size=batch_size, lease=timedelta(seconds=lease_seconds)
    )

    def run() -> None:
        factory = _ready_factory()
        loop = TimerWorker(
            factory, _services(factory), settings, interval=interval, poll=poll, settings=get_settings(), say=typer.echo
        )
        if not once:
            typer.echo(f"{settings.worker_id}: running (housekeeping every {interval:g} s, looking every {poll:g} s)")
        try:
            loop.run(threading.Event(), once=once)
        except KeyboardInterrupt:  # Ctrl-C ends a running worker quietly
            return

    _guard(run)


@app.command("migrate-cases")
def migrate_cases_command(
    process: Annotated[str | None, typer.Argument(help="process key, e.g. report_1374")] = None,
    to_version: Annotated[int | None, typer.Option(help="the version to move running cases to")] = None,
    dry_run: Annotated[bool, typer.Option(help="only tell, per case, whether it can move and why not")] = False,
    batch: Annotated[int | None, typer.Option(help="run or resume this migration batch")] = None,
) -> None:
    """Move running cases to another process version (all that can move), or run/resume a batch."""
    from engine.processes.migration_batches import create_batch, run_batch
    from engine.processes.migration_batches import dry_run as check_cases

    def run() -> None:
        factory = _ready_factory()
        services = _services(factory)
        batch_id = batch
        if batch_id is None:
            if process is None or to_version is None:
                raise DomainError("give a process key and --to-version, or --batch ID")
            if dry_run:
                with factory() as session:
                    checks = check_cases(session, services, process_key=process, to_version=to_version)
                for check in checks:
                    verdict = "can move" if check.can_move else "cannot move: " + "; ".join(check.reasons)
                    typer.echo(f"{check.tracking_code} v{check.from_version}: {verdict}")
                typer.echo(f"{sum(c.can_move for c in checks)} of {len(checks)} case(s) can move to v{to_version}")
                return
            with transaction(factory) as session:
                batch_id = create_batch(
                    session, services, process_key=process, to_version=to_version, requested_by="cli"
                ).id
        done = run_batch(factory, services, batch_id)
        typer.echo(f"batch {done.id}: {done.status}; {done.moved} moved, {done.failed} failed of {done.total}")

    _guard(run)


@app.command()
def doctor() -> None:
    """Check the database, the schema level, the deployed processes, the timer backlog and the documents."""
    from engine.core.clock import SystemClock
    from engine.doctor import diagnose
    from engine.documents.converter import shared_converter

    settings = get_settings()
    engine = engine_from_settings(settings)
    findings = diagnose(
        engine,
        make_session_factory(engine),
        processes_dir=settings.processes_dir,
        now=SystemClock().now(),
        secret_key=settings.secret_key,
        converter=shared_converter(),
        settings=settings,
    )
    for finding in findings:
        typer.echo(str(finding))
    if not all(f.ok for f in findings):
        raise typer.Exit(code=1)


@app.command("create-user")
def create_user_command(
    username: str,
    roles: Annotated[str, typer.Option(help="comma-separated: officer,team_lead,supervisor,designer,admin")],
    unit: Annotated[str, typer.Option(help="unit code, e.g. q1")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    full_name: Annotated[str, typer.Option(help="display name")] = "",
) -> None:
    """Add a user with roles in one unit."""
    from engine.people.auth import create_user
    from engine.people.units import unit_by_code

    def run() -> None:
        with transaction(_ready_factory()) as session:
            found = unit_by_code(session, unit)
            if found is None:
                raise DomainError(f"unit '{unit}' does not exist")
            role_list = [r.strip() for r in roles.split(",") if r.strip()]
            create_user(
                session, username=username, password=password, roles=role_list, units=[found], full_name=full_name
            )
        typer.echo(f"user {username} created with roles {', '.join(role_list)} in unit {unit}")

    _guard(run)


documents_app = typer.Typer(help="Văn bản: sổ văn bản đi.", no_args_is_help=True)
app.add_typer(documents_app, name="documents")


@documents_app.command("register")
def documents_register_command(
    unit: Annotated[str, typer.Option(help="unit code, e.g. q1")],
    year: Annotated[int, typer.Option(help="the register's year, e.g. 2026")],
    kind: Annotated[str | None, typer.Option(help="one kind of document, e.g. verification_conclusion")] = None,
) -> None:
    """Print a unit's register of outgoing documents (sổ văn bản đi) for a year as a table."""
    from engine.documents.queries import register_lines, unit_by_code
    from engine.documents.register_export import HEADERS, register_rows

    def run() -> None:
        with _ready_factory()() as session:
            found = unit_by_code(session, unit)
            rows = register_rows(register_lines(session, unit_id=found.id, year=year, kind=kind))
        typer.echo(f"Sổ văn bản đi năm {year} — {found.name}")
        widths = [max([len(HEADERS[i])] + [len(row[i]) for row in rows]) for i in range(len(HEADERS))]
        for line in (HEADERS, tuple("-" * w for w in widths), *rows):
            typer.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())
        typer.echo(f"{len(rows)} văn bản")

    _guard(run)


reports_app = typer.Typer(help="Báo cáo: bộ đếm số liệu báo cáo định kỳ.", no_args_is_help=True)
app.add_typer(reports_app, name="reports")


@reports_app.command("rebuild-counters")
def reports_rebuild_counters_command() -> None:
    """Recount every case into the periodic report's counters (a repair; actions keep them up to date)."""
    from zoneinfo import ZoneInfo

    from engine.reports.counters import rebuild_counters

    def run() -> None:
        zone = ZoneInfo(get_settings().timezone)
        with transaction(_ready_factory()) as session:
            cases = rebuild_counters(
                session.connection(), zone=zone, progress=lambda counted: typer.echo(f"counted {counted} cases…")
            )
        typer.echo(f"report counters rebuilt from {cases} cases ({zone.key})")

    _guard(run)


def _add_federation_commands() -> None:
    from api.cli_federation import import_legacy_command, instance_app, peer_app

    app.add_typer(instance_app, name="instance")
    app.add_typer(peer_app, name="peer")
    app.command("import-legacy")(import_legacy_command)


_add_federation_commands()


def main() -> None:
    """Console entry point."""
    app()
