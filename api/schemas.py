"""Pydantic models of every request and response body, so the OpenAPI document is complete."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from engine.cases.enums import CaseStatus, TaskStatus
from engine.processes.enums import BatchItemStatus, BatchStatus


class ErrorOut(BaseModel):
    """A refused request, with a message a person can act on."""

    detail: str


class FieldErrorOut(BaseModel):
    """One bad field of submitted data."""

    field: str
    message: str


class ValidationErrorOut(BaseModel):
    """Submitted data failed its form: one entry per field."""

    detail: str
    errors: list[FieldErrorOut]


class DeploymentProblemOut(BaseModel):
    """One problem of a BPMN file, with the element that has it: an error blocks deployment, a warning does not."""

    severity: Literal["error", "warning"] = "error"
    check: str = "deployment"
    code: str = Field("other", description="Stable code of the kind of problem, e.g. unreachable, lane-none")
    element_id: str | None
    element_name: str | None = None
    line: int | None = None
    message: str = Field(description="The problem in English")
    message_vi: str | None = Field(None, description="The problem in Vietnamese, naming the element: «name» (id)")


class DeploymentRejectedOut(BaseModel):
    """A BPMN file refused at deployment."""

    detail: str
    problems: list[DeploymentProblemOut]


class TokenOut(BaseModel):
    """An OAuth2 bearer token."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"


class UnitOut(BaseModel):
    """An organisational unit."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    parent_id: int | None


class MeOut(BaseModel):
    """The signed-in user."""

    username: str
    full_name: str
    roles: list[str]
    units: list[UnitOut]


class ProcessVersionOut(BaseModel):
    """One deployed version of a process."""

    version: int
    filename: str
    deployed_at: datetime
    deployed_by: str
    content_sha256: str


class ProcessOut(BaseModel):
    """A deployed process with all its versions, newest first."""

    key: str
    name: str
    latest_version: int
    start_form: str | None
    startable_by: list[str] = Field(description="roles that may start it by hand; empty: only the system starts it")
    may_start: bool = Field(description="whether the caller may start a case of it")
    versions: list[ProcessVersionOut]


class DeploymentOut(BaseModel):
    """The result of deploying a BPMN file, with the lint warnings that did not block it."""

    key: str
    version: int
    created: bool
    warnings: list[DeploymentProblemOut] = []


class LintIn(BaseModel):
    """A BPMN document to lint, sent as JSON (the modeler's current diagram)."""

    xml: str
    filename: str = "diagram.bpmn"


class LintOut(BaseModel):
    """Every problem of a BPMN file; ``ok`` when nothing blocks deployment."""

    ok: bool
    process_key: str | None
    problems: list[DeploymentProblemOut]


class JsonSchemaDocument(RootModel[dict[str, Any]]):
    """A JSON Schema (draft 2020-12) form, as stored in forms/."""


class CaseCreate(BaseModel):
    """Register a new case."""

    process: str = Field(examples=["report_1374"])
    data: dict[str, Any]
    unit_id: int | None = Field(default=None, description="defaults to the caller's first unit")


class CaseCreated(BaseModel):
    """A newly registered case."""

    id: int
    tracking_code: str
    status: CaseStatus


class TaskOut(BaseModel):
    """A human task in an inbox."""

    id: str
    case_id: int
    tracking_code: str | None = None
    name: str
    spec_name: str
    lane: str | None
    assignee: str | None
    state: TaskStatus
    form: str | None
    due_at: datetime | None
    reminded_at: datetime | None
    escalated: bool
    created_at: datetime
    completed_at: datetime | None
    completed_by: str | None


class InboxCounts(BaseModel):
    """How many open tasks each inbox tab holds, with the same search ``q``."""

    all: int = Field(description="every open task of mine or my group's")
    mine: int = Field(description="assigned to me")
    group: int = Field(description="open to my role in my units, not yet claimed")
    overdue: int = Field(description="past their deadline")
    week: int = Field(description="due within the next 7 days")


class TaskPage(BaseModel):
    """A page of tasks, with the counts of the inbox tabs."""

    items: list[TaskOut]
    total: int
    page: int
    page_size: int
    counts: InboxCounts | None = None


class CaseErrorOut(BaseModel):
    """Why a case is stopped in the ``error`` state."""

    message: str | None
    line: int | None
    task: str | None


class SearchMatchOut(BaseModel):
    """Where a search found a case: HTML with everything escaped and only the matched words in <mark>."""

    title_html: str
    subject_html: str
    snippet_html: str | None = Field(None, description="a piece of the description, when words were found there")


class CaseSummary(BaseModel):
    """A case in a list."""

    id: int
    tracking_code: str
    process: str
    process_version: int
    unit_id: int
    status: CaseStatus
    current_step: str | None
    title: str
    source: str | None
    field: str | None
    subject_name: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    version: int
    matter_id: int | None = None
    match: SearchMatchOut | None = Field(None, description="with q: the matched words of the title, subject, text")


class StuckCaseOut(BaseModel):
    """A case stopped by an error in a script or engine step, waiting for a retry or a cancellation."""

    id: int
    tracking_code: str
    title: str
    unit_id: int
    process: str
    process_version: int
    error: CaseErrorOut
    since: datetime


class RecoveryIn(BaseModel):
    """Why a stuck case is retried or cancelled (kept in its audit trail)."""

    reason: str = Field(min_length=1, max_length=1000)


class CaseDetail(CaseSummary):
    """A case with its open tasks, its data and any error."""

    open_tasks: list[TaskOut]
    data: dict[str, Any]
    error: CaseErrorOut | None


class CasePage(BaseModel):
    """A page of cases."""

    items: list[CaseSummary]
    total: int
    page: int
    page_size: int
    capped: bool = Field(
        False, description="with q: only the newest `total` matches were ranked; more words narrow the search"
    )


class EventOut(BaseModel):
    """One link of the audit chain."""

    seq: int
    kind: str
    actor: str
    at: datetime
    task_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class ChainVerdictOut(BaseModel):
    """Whether a case's history is intact."""

    valid: bool
    count: int
    broken_at_seq: int | None = None


class IdentityOut(BaseModel):
    """A protected reporter identity, decrypted for an authorised reader."""

    case_id: int
    anonymous: bool
    identity: dict[str, Any] | None


class HandledElsewhereOut(BaseModel):
    """A petition of another instance (liên thông) about the same matter: same petitioner and subject."""

    instance: str = Field(description="the other instance's federation name")
    unit_name: str
    tracking_code: str
    since: date


class DuplicateCandidateOut(BaseModel):
    """A petition that may be about the same thing as another, with its matter (vụ việc)."""

    case_id: int
    tracking_code: str
    title: str
    subject_name: str | None
    matter_id: int | None
    matter_petitions: int
    score: float
    same_subject: bool


class MatterOut(BaseModel):
    """A matter (vụ việc): the petitions about one thing."""

    id: int
    unit_id: int
    title: str
    subject_name: str | None
    created_at: datetime
    petition_count: int
    guided_at: datetime | None
    guided_by_case: str | None
    petitions: list[str]


class AssignIn(BaseModel):
    """Give a task to a person."""

    username: str


class CompleteIn(BaseModel):
    """Submit a task's form."""

    data: dict[str, Any]


class HealthOut(BaseModel):
    """Liveness and database reachability."""

    status: Literal["ok", "degraded"]
    database: str


class ProcessVersionListOut(ProcessVersionOut):
    """One deployed version with the number of its cases still running (in your units)."""

    running_cases: int


class DiffElementOut(BaseModel):
    """An element added to or removed from a diagram."""

    id: str
    type: str
    name: str | None


class ChangedElementOut(DiffElementOut):
    """An element in both versions, with one line per change."""

    changes: list[str]


class VersionDiffOut(BaseModel):
    """Elements added, removed and changed from one version to another."""

    added: list[DiffElementOut]
    removed: list[DiffElementOut]
    changed: list[ChangedElementOut]


class DeploymentPreviewOut(VersionDiffOut):
    """What deploying a file would do, before it is deployed: the version it follows and what changes."""

    key: str
    name: str
    current_version: int | None = Field(description="the newest deployed version; null for a new process")
    next_version: int = Field(description="the version deploying would create (the current one when unchanged)")
    unchanged: bool = Field(description="the content equals the newest version: deploying makes no new version")
    warnings: list[DeploymentProblemOut] = []


class MigrationIn(BaseModel):
    """The target version, and the cases to move (null: every running case that can move)."""

    to_version: int = Field(ge=1)
    case_ids: list[int] | None = Field(default=None, max_length=100_000)


class MigrationCheckOut(BaseModel):
    """Whether one case can move, and why not."""

    case_id: int
    tracking_code: str
    from_version: int
    can_move: bool
    reasons: list[str]


class DryRunOut(BaseModel):
    """The dry run of a migration: one line per case."""

    to_version: int
    cases: list[MigrationCheckOut]


class MigrationItemOut(BaseModel):
    """One case of a migration batch."""

    case_id: int
    tracking_code: str
    status: BatchItemStatus
    reason: str | None


class MigrationBatchOut(BaseModel):
    """A migration batch and its progress."""

    batch_id: int
    id: int
    process_key: str
    to_version: int
    requested_by: str
    created_at: datetime
    finished_at: datetime | None
    status: BatchStatus
    total: int
    done: int
    moved: int
    failed: int
    items: list[MigrationItemOut]


COMMON_RESPONSES: dict[int | str, dict] = {
    400: {"model": ErrorOut, "description": "A value the domain refuses (unknown filter, step data, version, ...)"},
    401: {"model": ErrorOut, "description": "Not signed in"},
    422: {"model": ValidationErrorOut, "description": "Invalid request or form data, per field"},
    503: {"model": ErrorOut, "description": "Database busy or unavailable"},
}
