"""The FastAPI application factory."""

import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.limits import RequestLimits
from api.routers import add_routes
from api.routes import (
    absences,
    administration,
    attachments,
    auth,
    case_categories,
    cases,
    comments,
    document_verification,
    documents,
    drafts,
    federation,
    forms,
    health,
    legacy_import,
    matters,
    notifications,
    people,
    process_versions,
    processes,
    reception_leaders,
    report_forms,
    reports,
    tasks,
    transfers,
)
from api.routes import lifecycle as lifecycle_api
from api.routes import portal as portal_api
from api.routes import reception as reception_api
from api.routes.document_templates import router as document_templates_router
from api.security_headers import SecurityHeaders
from api.web import install_web
from engine.cases.scheduler import SchedulerThread
from engine.core.db import SessionFactory, engine_from_settings, make_session_factory
from engine.core.settings import Settings, get_settings
from engine.processes.migration_batches import resume_unfinished_batches
from engine.reports.pdf import warm_up_pdf
from engine.services import EngineServices, build_services


def create_app(
    settings: Settings | None = None,
    *,
    services: EngineServices | None = None,
    session_factory: SessionFactory | None = None,
    run_scheduler: bool | None = None,
) -> FastAPI:
    """Build the app; tests pass their own services (with a manual clock) and session factory."""
    settings = settings or get_settings()
    session_factory = session_factory or make_session_factory(engine_from_settings(settings))
    services = services or build_services(settings, session_factory=session_factory)
    run_scheduler = settings.scheduler_enabled if run_scheduler is None else run_scheduler

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        scheduler = None
        if run_scheduler:
            scheduler = SchedulerThread(session_factory, services, settings.scheduler_interval_seconds, settings)
            scheduler.start()
            resume = threading.Thread(target=resume_unfinished_batches, args=(session_factory, services), daemon=True)
            resume.start()  # migration batches a previous run left unfinished
            warm = threading.Thread(target=warm_up_pdf, daemon=True)
            warm.start()  # the report fonts: loaded now rather than during the first PDF export
        yield
        if scheduler is not None:
            scheduler.stop()

    app = FastAPI(
        title="Phản Ánh",
        description="Xử lý thông tin phản ánh, kiến nghị, khiếu nại, tố cáo theo quy trình BPMN",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.session_factory = session_factory
    install_error_handlers(app)
    app.add_middleware(RequestLimits, max_json_bytes=settings.max_json_bytes, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # outermost, so refusals carry the headers too
    app.state.liveness = health.Liveness(session_factory)
    # Routes are matched in order: the liveness check and the REST API before the pages, whose paths never begin
    # with /api or /healthz, so a request runs through fewer patterns.
    add_routes(
        app,
        *(module.router for module in (health, auth, processes, process_versions, cases, matters, tasks, reports)),
        absences.router, attachments.router, comments.router, drafts.router, forms.router, people.router,
        notifications.router, administration.router, portal_api.router, reception_api.router, report_forms.router,
        document_templates_router, documents.router, document_verification.router, federation.router,
        transfers.router, legacy_import.router, lifecycle_api.router, reception_leaders.router,
        case_categories.router,
    )  # fmt: skip
    install_web(app, services.calendar.zone, services.forms)
    return app
