"""Liveness."""

from fastapi import APIRouter

from api.deps import DbSession
from api.schemas import HealthOut
from engine.core.db import ping

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def health(session: DbSession) -> HealthOut:
    """Answers ok when the app runs and the database answers."""
    try:
        dialect = ping(session)
    except Exception as exc:  # any database failure means degraded, never a 500
        return HealthOut(status="degraded", database=type(exc).__name__)
    return HealthOut(status="ok", database=dialect)
