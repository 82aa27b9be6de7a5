"""Every domain error of the engine has its HTTP status in the one table of api/errors.py; the engine has none."""

import importlib
import pkgutil
from datetime import UTC, datetime

import pytest

import engine
from api.errors import HTTP_STATUS, http_status
from engine.cases.state import CaseStateCorrupt
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
from engine.portal.guard import FormRefused, RateLimited
from engine.processes.case_migration import MigrationRefused


def _engine_modules() -> list[str]:
    """Every module of the engine package except the Alembic migration scripts."""
    found = pkgutil.walk_packages(engine.__path__, prefix="engine.")
    return sorted(m.name for m in found if not m.name.startswith("engine.core.migrations"))


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def _engine_domain_errors() -> set[type[DomainError]]:
    for name in _engine_modules():
        importlib.import_module(name)
    return {cls for cls in _all_subclasses(DomainError) if cls.__module__.startswith("engine.")}


def _listed_ancestor(cls: type[DomainError]) -> type[DomainError] | None:
    return next((base for base in cls.__mro__ if base in HTTP_STATUS), None)


def test_every_domain_error_of_the_engine_has_a_status_from_the_table():
    errors = _engine_domain_errors()
    assert len(errors) >= 12, sorted(cls.__name__ for cls in errors)
    unlisted = sorted(cls.__qualname__ for cls in errors if _listed_ancestor(cls) is None)
    assert unlisted == [], f"add these domain errors to api.errors.HTTP_STATUS: {unlisted}"
    for cls in errors:
        assert 400 <= http_status(cls) <= 599, cls


def test_the_engine_carries_no_http_status():
    errors = _engine_domain_errors() | {DomainError}
    carrying = sorted(cls.__qualname__ for cls in errors if hasattr(cls, "status_code"))
    assert carrying == []


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("Case 9 does not exist"), 404),
        (Forbidden("not yours"), 403),
        (Conflict("already completed"), 409),
        (MigrationRefused("PA-2026-00001", 2, ["a step was removed"]), 409),
        (CaseStateCorrupt("unreadable"), 409),
        (BadRequest("malformed"), 400),
        (PayloadTooLarge("too big"), 413),
        (InvalidFormData("f.schema.json", []), 422),
        (DeploymentRejected("x.bpmn", []), 422),
        (DatabaseNotReady("not migrated"), 503),
        (RateLimited("lookup", datetime(2026, 1, 1, tzinfo=UTC)), 429),
        (FormRefused("token_invalid"), 400),
    ],
)
def test_each_kind_of_domain_error_answers_with_its_status(error, status):
    assert http_status(error) == status
    assert http_status(type(error)) == status
