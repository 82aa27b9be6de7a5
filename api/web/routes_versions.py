"""Designer pages for process versions: the list, the visual diff of two versions, and migrating running cases."""

import json

from fastapi import APIRouter, BackgroundTasks, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from api.web.context import WebPage
from api.web.query_values import parse_id
from engine.core.errors import BadRequest
from engine.people.permissions import can_design, can_migrate_cases, can_read_migration_batch, require
from engine.processes.diff import diff_versions
from engine.processes.migration_batches import batch_with_items, create_batch, dry_run, requester_unit, run_batch
from engine.processes.versions import definition_of_version, list_versions

router = APIRouter(include_in_schema=False)


@router.get("/designer/processes/{key}/versions", response_class=HTMLResponse)
def versions_page(key: str, page: WebPage) -> HTMLResponse:
    """Every version: who deployed which file when, its running cases, and links to its diagram, diff and migration."""
    require(can_design, page.actor)
    versions = list_versions(page.session, key, page.actor.visible_unit_ids)
    return page.render("versions.html", key=key, name=versions[0].name, versions=versions)


@router.get("/designer/processes/{key}/versions/{version}/diagram.bpmn")
def version_diagram(key: str, version: int, page: WebPage) -> Response:
    """The BPMN XML of one version, for the diagram viewer."""
    require(can_design, page.actor)
    return Response(definition_of_version(page.session, key, version).content, media_type="application/xml")


@router.get("/designer/processes/{key}/versions/{version}", response_class=HTMLResponse)
def version_page(key: str, version: int, page: WebPage) -> HTMLResponse:
    """The diagram of one version."""
    require(can_design, page.actor)
    definition = definition_of_version(page.session, key, version)
    return page.render("version.html", key=key, definition=definition)


@router.get("/designer/processes/{key}/diff", response_class=HTMLResponse)
def diff_page(key: str, page: WebPage) -> HTMLResponse:
    """Two versions side by side: added elements green, removed red, changed orange, and the table of changes."""
    require(can_design, page.actor)
    params = page.request.query_params
    to_version = parse_id(params.get("to_version"))
    from_version = parse_id(params.get("from_version"))
    if to_version is None or from_version is None:
        raise BadRequest("Choose two versions: ?from_version=1&to_version=2")
    old = definition_of_version(page.session, key, from_version)
    new = definition_of_version(page.session, key, to_version)
    diff = diff_versions(old.content, new.content)
    changed = [element.id for element in diff.changed]
    old_markers = {"removed": [e.id for e in diff.removed], "changed": changed}
    new_markers = {"added": [e.id for e in diff.added], "changed": changed}
    return page.render(
        "version_diff.html", key=key, old=old, new=new, diff=diff,
        old_markers=json.dumps(old_markers), new_markers=json.dumps(new_markers),
    )  # fmt: skip


@router.get("/designer/processes/{key}/migrations", response_class=HTMLResponse)
def migrations_page(key: str, page: WebPage) -> HTMLResponse:
    """Choose the target version and see the dry run: per case, whether it can move and why not."""
    require(can_migrate_cases, page.actor)
    versions = list_versions(page.session, key, page.actor.visible_unit_ids)
    to_version = parse_id(page.request.query_params.get("to_version")) or versions[0].version
    checks = dry_run(
        page.session, page.services, process_key=key, to_version=to_version, unit_ids=page.actor.visible_unit_ids
    )
    return page.render(
        "migrations.html", key=key, name=versions[0].name, versions=versions, to_version=to_version, checks=checks,
        movable=sum(check.can_move for check in checks),
    )  # fmt: skip


@router.post("/designer/processes/{key}/migrations")
async def start_migration_page(key: str, page: WebPage, background: BackgroundTasks) -> RedirectResponse:
    """Migrate the selected cases (or all that can move) in one batch; then show its progress."""
    require(can_migrate_cases, page.actor)
    await page.check_csrf()
    form = await page.request.form()
    to_version = parse_id(form.get("to_version"))
    if to_version is None:
        raise BadRequest("Choose the version to migrate to")
    case_ids = None
    if form.get("scope") != "all":
        case_ids = [case_id for value in form.getlist("case_ids") if (case_id := parse_id(value))]
        if not case_ids:
            raise BadRequest("Select at least one case to migrate, or migrate all that can move")
    batch = create_batch(
        page.session, page.services, process_key=key, to_version=to_version, requested_by=page.actor.username,
        case_ids=case_ids, unit_ids=page.actor.visible_unit_ids, unit_id=requester_unit(page.actor),
    )  # fmt: skip
    page.session.commit()
    background.add_task(run_batch, page.request.app.state.session_factory, page.services, batch.id)
    return RedirectResponse(f"/designer/migrations/{batch.id}", status_code=303)


@router.get("/designer/migrations/{batch_id}", response_class=HTMLResponse)
def migration_batch_page(batch_id: int, page: WebPage) -> HTMLResponse:
    """The progress bar of a batch (refreshed every second while it runs) and its failures with their reasons."""
    require(can_read_migration_batch, page.actor)
    batch, items = batch_with_items(page.session, batch_id, reader=page.actor)
    return page.render("migration_batch.html", batch=batch, items=items)


@router.get("/designer/migrations/{batch_id}/progress", response_class=HTMLResponse)
def migration_progress(batch_id: int, page: WebPage) -> HTMLResponse:
    """The progress fragment htmx polls."""
    require(can_read_migration_batch, page.actor)
    batch, items = batch_with_items(page.session, batch_id, reader=page.actor)
    return page.render("_migration_progress.html", batch=batch, items=items)
