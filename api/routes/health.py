"""Liveness."""

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import DbSession
from api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def health(session: DbSession) -> HealthOut:
    """Answers ok when the app runs and the database answers."""
    try:
        session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means degraded, never a 500
        return HealthOut(status="degraded", database=type(exc).__name__)
    return HealthOut(status="ok", database=session.bind.dialect.name)
