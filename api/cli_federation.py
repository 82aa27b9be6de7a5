"""``phananh instance`` and ``phananh peer``: this instance's federation name and key, and its peer instances."""

from pathlib import Path
from typing import Annotated

import typer

instance_app = typer.Typer(help="This instance's federation name and public key.", no_args_is_help=True)
peer_app = typer.Typer(help="Peer instances this one exchanges messages with (liên thông).", no_args_is_help=True)


def _run(action) -> None:
    from api.cli import _guard

    _guard(action)


@instance_app.command("key")
def instance_key(
    name: Annotated[str | None, typer.Option(help="give the instance this name and new keys (first time only)")] = None,
) -> None:
    """Print this instance's name and public key (give --name the first time to create them)."""
    from api.cli import _ready_factory, _services
    from engine.core.db import transaction
    from engine.core.models import FederationIdentity
    from engine.federation.keys import create_instance_identity, instance_identity

    def run() -> None:
        factory = _ready_factory()
        services = _services(factory)
        with transaction(factory) as session:
            if name is not None and session.get(FederationIdentity, 1) is None:
                create_instance_identity(session, services.identities, name=name, now=services.clock.now())
            identity = instance_identity(session)
            typer.echo(f"{identity.name} {identity.public_key}")

    _run(run)


@peer_app.command("add")
def peer_add(
    name: Annotated[str, typer.Argument(help="the peer's instance name, e.g. quan-3")],
    url: Annotated[str, typer.Argument(help="its base URL, e.g. https://phananh.quan3.example")],
    public_key: Annotated[str, typer.Argument(help="the key its `phananh instance key` prints")],
    upward: Annotated[bool, typer.Option(help="the upper level: send it this instance's periodic reports")] = False,
) -> None:
    """Register a peer instance."""
    from api.cli import _ready_factory, _services
    from engine.core.db import transaction
    from engine.federation.peers import add_peer

    def run() -> None:
        factory = _ready_factory()
        services = _services(factory)
        with transaction(factory) as session:
            add_peer(session, name=name, url=url, public_key=public_key, added_by="cli", now=services.clock.now())
        typer.echo(f"peer {name} registered at {url.rstrip('/')}")

    _run(run)


@peer_app.command("list")
def peer_list() -> None:
    """List the peers with the messages waiting for them, delivered to them and received from them."""
    from api.cli import _ready_factory
    from engine.core.db import transaction
    from engine.federation.peers import list_peers

    def run() -> None:
        with transaction(_ready_factory()) as session:
            peers = list_peers(session)
        if not peers:
            typer.echo("no peers registered (phananh peer add NAME URL PUBLIC_KEY)")
        for peer in peers:
            problem = f"  last error: {peer.last_error}" if peer.last_error else ""
            typer.echo(
                f"{peer.name}\t{peer.url}\twaiting {peer.waiting}\tdelivered {peer.delivered}\t"
                f"received {peer.received}{problem}"
            )

    _run(run)


@peer_app.command("retry")
def peer_retry(name: Annotated[str, typer.Argument(help="the peer that is back")]) -> None:
    """Make the messages waiting for a peer due now (the worker sends them on its next pass)."""
    from api.cli import _ready_factory, _services
    from engine.core.db import transaction
    from engine.federation.outbox import retry_now

    def run() -> None:
        factory = _ready_factory()
        with transaction(factory) as session:
            count = retry_now(session, peer=name, now=_services(factory).clock.now())
        typer.echo(f"{count} message(s) for {name} are due now")

    _run(run)


def import_legacy_command(
    path: Annotated[Path, typer.Argument(help="the Excel register (.xlsx), headers on row 1")],
    username: Annotated[str, typer.Option(help="who imports (an officer of the units in the sheet)")],
    column: Annotated[list[str] | None, typer.Option(help='"Header=field", e.g. "Ngày tiếp nhận=received_on"')] = None,
    dry_run: Annotated[bool, typer.Option(help="check every row, import nothing")] = False,
) -> None:
    """Import petitions kept in an Excel register; every bad row is reported by its row number."""
    from api.cli import _ready_factory, _services
    from engine.core.db import transaction
    from engine.core.errors import BadRequest
    from engine.core.models import User
    from engine.people.auth import actor_for
    from engine.petitions.legacy_import import import_legacy_petitions

    mapping = {}
    for pair in column or []:
        header, _, name = pair.partition("=")
        mapping[header.strip()] = name.strip()

    def run() -> None:
        factory = _ready_factory()
        services = _services(factory)
        with transaction(factory) as session:
            user = session.query(User).filter_by(username=username).first()
            if user is None:
                raise BadRequest(f"Không có người dùng '{username}'")
            report = import_legacy_petitions(
                session, services, actor_for(session, user), content=path.read_bytes(), mapping=mapping,
                dry_run=dry_run,
            )  # fmt: skip
        for problem in report.problems:
            typer.echo(f"dòng {problem.row}: {problem.reason}")
        verb = "kiểm tra" if report.dry_run else "đã nhập"
        typer.echo(f"{report.rows} dòng: {report.good} hợp lệ, {len(report.problems)} lỗi; {verb} {report.imported}")

    _run(run)
