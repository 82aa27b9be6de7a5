"""The statuses of a migration batch and of each case in it (stored as their string values)."""

from enum import StrEnum


class BatchStatus(StrEnum):
    """A migration batch is worked through case by case until it is done."""

    RUNNING = "running"
    DONE = "done"


class BatchItemStatus(StrEnum):
    """One case of a migration batch: not yet tried, moved to the target version, or left where it was."""

    PENDING = "pending"
    MOVED = "moved"
    FAILED = "failed"
