"""Map domain errors to clear 4xx answers; nothing unexpected leaks out as a stack trace.

``HTTP_STATUS`` is the one table from domain error classes to HTTP statuses, read by the JSON handlers and by the
HTML error page alike; a class not in the table answers with the status of its nearest listed base class.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from engine.cases.comments import CommentFilesClosed, CommentFileTooLarge, CommentRefused
from engine.cases.state import CaseStateCorrupt
from engine.core.db import (
    DatabaseUnavailable,
    StaleWrite,
    ValueOutOfRange,
    database_error_reason,
    is_write_lock_timeout,
)
from engine.core.errors import (
    BadRequest,
    Conflict,
    DatabaseNotReady,
    DeploymentRejected,
    DomainError,
    Forbidden,
    InvalidFormData,
    NotFound,
    PayloadTooLarge,
)
from engine.core.instance_secret import SecretMissing
from engine.documents.certificates import SigningKeyMissing
from engine.documents.converter import ConversionFailed, ConverterUnavailable
from engine.documents.signing import NotAPdf, SigningFailed
from engine.federation.inbox import MalformedMessage, MessageRefused
from engine.people.absences import AbsenceConflict, AbsenceRefused
from engine.people.accounts import AccountExists, InvalidAccountData
from engine.people.password_links import PasswordLinkInvalid
from engine.people.unit_admin import InvalidUnitData, UnitExists, UnitInUse
from engine.portal.filing import PortalFormUnavailable
from engine.portal.guard import FormRefused, RateLimited

log = logging.getLogger("phananh.api")

HTTP_STATUS: dict[type[DomainError], int] = {
    BadRequest: 400,
    FormRefused: 400,
    Forbidden: 403,
    NotFound: 404,
    PasswordLinkInvalid: 404,
    Conflict: 409,
    AbsenceRefused: 400,
    AbsenceConflict: 409,
    CaseStateCorrupt: 409,
    CommentRefused: 400,
    CommentFilesClosed: 409,
    CommentFileTooLarge: 413,
    AccountExists: 409,
    UnitExists: 409,
    UnitInUse: 409,
    PayloadTooLarge: 413,
    InvalidFormData: 422,
    DeploymentRejected: 422,
    InvalidAccountData: 422,
    InvalidUnitData: 422,
    RateLimited: 429,
    MalformedMessage: 400,
    MessageRefused: 401,
    DatabaseNotReady: 503,
    PortalFormUnavailable: 503,
    SecretMissing: 503,
    NotAPdf: 400,
    ConversionFailed: 422,
    ConverterUnavailable: 503,
    SigningKeyMissing: 503,
    SigningFailed: 503,
}
FALLBACK_STATUS = 400
"""The answer to a domain error whose class has no entry (tests keep every class of the engine in the table)."""


def http_status(error: DomainError | type[DomainError]) -> int:
    """The HTTP status of a domain error: its class's entry, else its nearest base class's entry."""
    error_class = error if isinstance(error, type) else type(error)
    for cls in error_class.__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return FALLBACK_STATUS


async def _domain_error(request: Request, exc: DomainError):
    from api.web import error_page, is_page_request

    status = http_status(exc)
    if is_page_request(request):
        return error_page(request, status, exc.message)
    return JSONResponse({"detail": exc.message}, status_code=status)


async def _invalid_form(_request: Request, exc: InvalidFormData) -> JSONResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return JSONResponse({"detail": exc.message, "errors": errors}, status_code=http_status(exc))


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
    return JSONResponse({"detail": exc.message, "problems": problems}, status_code=http_status(exc))


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
    from api.web.i18n import translate
    from api.web.session import language_of

    if is_page_request(request):
        return error_page(request, 422, translate("error.out_of_range", language_of(request)))
    return JSONResponse({"detail": OUT_OF_RANGE, "errors": []}, status_code=422)


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
