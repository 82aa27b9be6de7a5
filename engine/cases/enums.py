"""The statuses a case, its inbox tasks and its timers go through (stored as their string values)."""

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a case stands: being handled, finished, stopped by an error in a script or service task, or cancelled.

    A case in ``error`` stays there until a supervisor or designer retries it or cancels it (engine/cases/recovery).
    """

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ERROR = "error"
    CANCELLED = "cancelled"


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
