"""Map domain errors to clear 4xx answers; nothing unexpected leaks out as a stack trace."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from engine.core.db import (
    DatabaseUnavailable,
    StaleWrite,
    ValueOutOfRange,
    database_error_reason,
    is_write_lock_timeout,
)
from engine.core.errors import DeploymentRejected, DomainError, InvalidFormData

log = logging.getLogger("phananh.api")


async def _domain_error(request: Request, exc: DomainError):
    from api.web import error_page, is_page_request

    if is_page_request(request):
        return error_page(request, exc.status_code, exc.message)
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code)


async def _invalid_form(_request: Request, exc: InvalidFormData) -> JSONResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return JSONResponse({"detail": exc.message, "errors": errors}, status_code=422)


async def _deployment_rejected(_request: Request, exc: DeploymentRejected) -> JSONResponse:
    problems = [
        {
            "severity": getattr(p, "severity", "error"),
            "check": getattr(p, "check", "deployment"),
            "element_id": p.element_id,
            "line": p.line,
            "message": p.message,
        }
        for p in exc.problems
    ]
    return JSONResponse({"detail": exc.message, "problems": problems}, status_code=422)


async def _stale_write(_request: Request, _exc: StaleWrite) -> JSONResponse:
    detail = "The case was changed by someone else while you worked on it; reload and retry"
    return JSONResponse({"detail": detail}, status_code=409)


async def _database_unavailable(_request: Request, exc: DatabaseUnavailable) -> JSONResponse:
    log.warning("database error: %s", database_error_reason(exc))
    if is_write_lock_timeout(exc):
        return JSONResponse({"detail": "The database is busy with other changes; retry in a moment"}, status_code=503)
    return JSONResponse({"detail": "The database is unavailable; retry in a moment"}, status_code=503)


OUT_OF_RANGE = "A number in the request is out of range: no id or count is that large"


async def _out_of_range(request: Request, _exc: Exception):
    """An integer too large for the database (SQLite: OverflowError, PostgreSQL: DataError), or a date past 9999."""
    from api.web import error_page, is_page_request

    if is_page_request(request):
        return error_page(request, 422, OUT_OF_RANGE)
    return JSONResponse({"detail": OUT_OF_RANGE}, status_code=422)


async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": ".".join(str(part) for part in error.get("loc", ())[1:]) or "(body)", "message": error.get("msg", "")}
        for error in exc.errors()
    ]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return JSONResponse({"detail": f"Invalid request: {fields}", "errors": errors}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(InvalidFormData, _invalid_form)
    app.add_exception_handler(DeploymentRejected, _deployment_rejected)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StaleWrite, _stale_write)
    app.add_exception_handler(DatabaseUnavailable, _database_unavailable)
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(ValueOutOfRange, _out_of_range)
