"""Pydantic models of the citizen-facing portal API and the reception desk API (OpenAPI complete).

None of these models carries a protected identity: the portal answers with codes, steps, dates and published
summaries only, and the visits register over the API is always redacted.
"""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class FormTokenOut(BaseModel):
    """A signed, single-use form token for one filing: post it no sooner than ``not_before``."""

    form: Literal["report", "petition"]
    form_token: str
    not_before: datetime = Field(description="the earliest time the filing is accepted (people read forms)")
    expires_at: datetime


class FilingIn(BaseModel):
    """A filing on the portal: the start form's data (without the internal fields) and the form token."""

    data: dict[str, Any] = Field(description="the start form's fields, nested as in its JSON Schema")
    unit_id: int | None = Field(default=None, description="the receiving unit; the top of the unit tree by default")
    form_token: str = Field(max_length=200, description="from GET /api/portal/form-token")


class RelativeIn(BaseModel):
    """A relative named in a petition (protected like the petitioner)."""

    name: str = Field(min_length=1, max_length=255)
    relationship: str | None = Field(default=None, max_length=100)


class PetitionFilingIn(FilingIn):
    """A petition filed on the portal, with the relatives it names."""

    relatives: list[RelativeIn] = Field(default_factory=list, max_length=20)


class FiledOut(BaseModel):
    """A filed case: keep the secret, it is shown only this once and is needed to look the case up."""

    tracking_code: str
    secret: str


class LookupIn(BaseModel):
    """A tracking code and its secret."""

    tracking_code: str = Field(max_length=64)
    secret: str = Field(max_length=200)


class SubscriptionIn(LookupIn):
    """A tracking code, its secret, and the e-mail address that wants to hear of every change of the case."""

    email: str = Field(max_length=254)


class PublicStepOut(BaseModel):
    """An open step of a case and its deadline (never who works on it)."""

    name: str
    due_at: datetime | None
    deadline: Literal["on_time", "reminded", "overdue", "none"]
    days: int = Field(description="working days left (on time, reminded) or days late (overdue)")


class PublicStatusOut(BaseModel):
    """The public status of a case: steps, deadlines, completion and publication."""

    tracking_code: str
    status: Literal["in_progress", "completed", "cancelled"]
    received_at: datetime
    completed_at: datetime | None
    steps: list[PublicStepOut]
    published: bool
    published_on: date | None
    summary: str | None = Field(description="the publication summary written for the public, when published")
    expected_on: date | None = Field(
        default=None, description="while in progress: the day (in the unit's zone) the open steps are due by"
    )


class PublishedResultOut(BaseModel):
    """One published result: no names, only what the publication says."""

    tracking_code: str
    unit_name: str
    field: str | None
    received_at: datetime
    completed_at: datetime | None
    published_on: date | None
    summary: str
    party_sanction: str | None
    state_sanction: str | None


class PublishedPageOut(BaseModel):
    """A page of published results, newest first."""

    items: list[PublishedResultOut]
    total: int
    page: int
    page_size: int


class RegistrationIn(BaseModel):
    """A reception desk register entry: the register form's data and, optionally, the unit (else your first)."""

    data: dict[str, Any] = Field(description="the fields of the register form, as in its JSON Schema")
    unit_id: int | None = None


class RegisteredOut(BaseModel):
    """A petition registered at the desk: its triage case."""

    id: int
    tracking_code: str
    status: str


class VisitOut(BaseModel):
    """One line of the visits register, redacted: whether the petitioner's identity is protected, never who."""

    case_id: int
    tracking_code: str
    received_on: str | None
    registered_at: datetime
    title: str
    kind_claimed: str | None
    field: str | None
    number_of_people: int
    previously_handled_by: str | None
    identity_protected: bool


class RevealedVisitOut(VisitOut):
    """A line of the visits register with the petitioner's identity (for identity readers; each read is audited)."""

    name: str
    address: str
    id_number: str
