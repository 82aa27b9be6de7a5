"""The statuses a case, its inbox tasks and its timers go through (stored as their string values)."""

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a case stands: being handled, finished, stopped by an error in a script or service task, or cancelled.

    A case in ``error`` stays there until a supervisor or designer retries it or cancels it (engine/cases/recovery).
    The legal lifecycle (engine/cases/lifecycle): a ``suspended`` case (tạm đình chỉ) waits, its deadlines paused,
    until it is resumed; a ``withdrawn`` (rút đơn) or ``terminated`` (đình chỉ) case ended without a resolution.
    """

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ERROR = "error"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    TERMINATED = "terminated"


class DecisionKind(StrEnum):
    """A recorded decision on a case's course (``case_decisions.kind``)."""

    SUSPENSION = "suspension"
    RESUMPTION = "resumption"
    TERMINATION = "termination"
    WITHDRAWAL = "withdrawal"


class TaskStatus(StrEnum):
    """The state of a user task in the inbox index (``human_tasks.state``)."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerStatus(StrEnum):
    """The state of a case timer: waiting to fire, fired once, or cancelled with its task."""

    WAITING = "waiting"
    FIRED = "fired"
    CANCELLED = "cancelled"
