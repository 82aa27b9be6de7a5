"""Pydantic models of absences, hand-overs and bulk reassignment (kept apart from api/schemas.py)."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import TaskOut

AbsenceStatusOut = Literal["upcoming", "current", "ended", "cancelled"]


class PersonOut(BaseModel):
    """A member of staff as pages show them: the full name, with the username."""

    username: str
    full_name: str


class AbsenceIn(BaseModel):
    """Declare an absence: whole days, both included, in the unit's time zone."""

    username: str | None = Field(
        default=None, max_length=64, description="who is away; by default the caller (leads: someone of their units)"
    )
    starts_on: date
    ends_on: date
    deputy: str = Field(max_length=64, description="the username of the deputy who takes the tasks meanwhile")
    reason: str = Field(max_length=500)


class AbsenceOut(BaseModel):
    """An absence and its deputy."""

    id: int
    person: PersonOut
    deputy: PersonOut
    starts_on: date
    ends_on: date
    reason: str
    status: AbsenceStatusOut
    created_by: str
    created_at: datetime
    cancelled_by: str | None
    cancelled_at: datetime | None
    handed_over_at: datetime | None


class AbsenceList(BaseModel):
    """The absences the caller may see, the latest first."""

    items: list[AbsenceOut]


class KeptTaskOut(BaseModel):
    """An open task left with the absent person at a hand-over, and why."""

    task: TaskOut
    reason: Literal["deputy_cannot_take", "not_your_unit", "case_stopped"]


class HandOverOut(BaseModel):
    """What a hand-over did."""

    absence: AbsenceOut
    moved: list[TaskOut]
    kept: list[KeptTaskOut]


class BulkReassignIn(BaseModel):
    """Give several open tasks to one person at once: all of them, or none."""

    task_ids: list[str] = Field(min_length=1, max_length=200)
    assignee: str = Field(max_length=64, description="the username of the person who takes them")


class BulkReassignOut(BaseModel):
    """The reassigned tasks (a person who is away has their deputy named instead)."""

    items: list[TaskOut]
