"""Plain-SQL reads and writes of one case's rows: the hot path of every action.

Actions work on detached copies of the rows and write back with explicit statements. The case row is written
with ``UPDATE … WHERE version = <loaded>`` and a task is closed with ``UPDATE … WHERE state = 'ready'``, so a
lost race is seen as a changed row count and answered with a clear Conflict, whatever the database.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.cases.enums import TaskStatus, TimerStatus
from engine.core.db import rows_matched
from engine.core.errors import Conflict
from engine.core.models import Case, CaseTimer, HumanTask

CASES, TASKS, TIMERS = Case.__table__, HumanTask.__table__, CaseTimer.__table__
OUTCOME_FACETS = (
    "screening", "violation", "party_sanction", "state_sanction", "published_writing", "published_media",
    "published_portal",
)  # fmt: skip
CASE_ALWAYS_WRITTEN = ("state", "current_step", "updated_at", "audit_seq", "audit_head")
# Written only when changed: most are in indexes, which SQLite rewrites whenever a column is in the SET list.
CASE_WRITTEN_WHEN_CHANGED = (
    "status", "completed_at", "error_message", "error_line", "error_task", *OUTCOME_FACETS,
)  # fmt: skip


@lru_cache(maxsize=8)
def _column_keys(model) -> tuple[str, ...]:
    return tuple(column.key for column in model.__table__.columns)


def _detached(model, row, prefix: str = ""):
    """A detached instance holding a row's values, built as the ORM builds a loaded row (``Base.from_values``: a
    case row has ~40 columns, read by every action)."""
    instance = model.from_values({key: row[f"{prefix}{key}"] for key in _column_keys(model)})
    if model is Case:
        _remember_stored(instance)
    return instance


def _remember_stored(case: Case) -> None:
    """Keep the stored values of the columns written only when changed."""
    case.__dict__["_stored"] = {name: getattr(case, name) for name in CASE_WRITTEN_WHEN_CHANGED}


# Statements are built once: SQLAlchemy then reuses their compiled form instead of rebuilding it per action.
def _labelled(table, prefix: str) -> list:
    """The table's columns labelled ``<prefix><key>``, so that two tables' rows read in one statement (and
    ``_detached`` with that prefix) keep their columns apart."""
    return [column.label(f"{prefix}{column.key}") for column in table.columns]


TASK_WITH_CASE = (
    select(*_labelled(TASKS, "t_"), *_labelled(CASES, "c_"))
    .join_from(TASKS, CASES, TASKS.c.case_id == CASES.c.id)
    .where(TASKS.c.id == bindparam("task_id"))
)
CASE_BY_ID = select(CASES).where(CASES.c.id == bindparam("case_id"))
WAITING_TIMER_WITH_CASE = (
    select(*_labelled(TIMERS, "t_"), *_labelled(CASES, "c_"))
    .join_from(TIMERS, CASES, TIMERS.c.case_id == CASES.c.id)
    .where(TIMERS.c.id == bindparam("timer_id"), TIMERS.c.status == TimerStatus.WAITING)
)
LOCKED_WAITING_TIMER_WITH_CASE = WAITING_TIMER_WITH_CASE.with_for_update(of=TIMERS)
TASK_BY_ID = select(TASKS).where(TASKS.c.id == bindparam("task_id"))
OPEN_TASKS_OF_CASE = (
    select(TASKS)
    .where(TASKS.c.case_id == bindparam("case_id"), TASKS.c.state == TaskStatus.READY)
    .order_by(TASKS.c.created_at)
)
INSERT_CASE = insert(CASES).returning(CASES.c.id)


@lru_cache(maxsize=128)
def _save_case_statement(columns: tuple[str, ...]):
    """The versioned UPDATE of a case for one set of columns (built once per set)."""
    return (
        update(CASES)
        .where(CASES.c.id == bindparam("b_id"), CASES.c.version == bindparam("b_version"))
        .values(version=bindparam("b_next_version"), **{name: bindparam(f"v_{name}") for name in columns})
    )


CLOSE_TASK = (
    update(TASKS)
    .where(TASKS.c.id == bindparam("b_id"), TASKS.c.state == TaskStatus.READY)
    .values(
        state=bindparam("v_state"),
        completed_at=bindparam("v_completed_at"),
        completed_by=bindparam("v_completed_by"),
        assignee=bindparam("v_assignee"),
    )
)
SET_ASSIGNEE = (
    update(TASKS)
    .where(TASKS.c.id == bindparam("b_id"), TASKS.c.state == TaskStatus.READY)
    .values(assignee=bindparam("v_assignee"))
)
INSERT_TASKS = insert(TASKS)
INSERT_TIMERS = insert(TIMERS)


@lru_cache(maxsize=64)
def _update_by_id(table_name: str, columns: tuple[str, ...]):
    table = TASKS if table_name == TASKS.name else TIMERS
    return update(table).where(table.c.id == bindparam("b_id")).values(**{c: bindparam(f"v_{c}") for c in columns})


@dataclass
class IndexChanges:
    """What an action changes in the task index and the timers table."""

    new_tasks: list[dict] = field(default_factory=list)
    task_updates: dict[str, dict] = field(default_factory=dict)
    new_timers: list[dict] = field(default_factory=list)
    timer_updates: dict[str, dict] = field(default_factory=dict)

    def update_task(self, task_id: str, **values) -> None:
        """Record a change of an existing task row."""
        self.task_updates.setdefault(task_id, {}).update(values)

    def update_timer(self, timer_id: str, **values) -> None:
        """Record a change of an existing timer row."""
        self.timer_updates.setdefault(timer_id, {}).update(values)


class CaseStore:
    """Reads detached case, task and timer rows and writes their changes back."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def task_with_case(self, task_id: str) -> tuple[HumanTask, Case] | None:
        """A task and its case, read in one statement."""
        row = self.session.execute(TASK_WITH_CASE, {"task_id": task_id}).mappings().first()
        if row is None:
            return None
        return _detached(HumanTask, row, "t_"), _detached(Case, row, "c_")

    def waiting_timer_with_case(self, timer_id: str) -> tuple[CaseTimer, Case] | None:
        """A timer that still waits and its case, read in one statement; on PostgreSQL the timer row is locked
        (a second firer waits for this transaction, then finds the timer no longer waiting)."""
        postgres = self.session.get_bind().dialect.name == "postgresql"
        statement = LOCKED_WAITING_TIMER_WITH_CASE if postgres else WAITING_TIMER_WITH_CASE
        row = self.session.execute(statement, {"timer_id": timer_id}).mappings().first()
        if row is None:
            return None
        return _detached(CaseTimer, row, "t_"), _detached(Case, row, "c_")

    def case(self, case_id: int) -> Case | None:
        """A case row."""
        row = self.session.execute(CASE_BY_ID, {"case_id": case_id}).mappings().first()
        return _detached(Case, row) if row is not None else None

    def task(self, task_id: str) -> HumanTask | None:
        """A task row."""
        row = self.session.execute(TASK_BY_ID, {"task_id": task_id}).mappings().first()
        return _detached(HumanTask, row) if row is not None else None

    def open_tasks(self, case_id: int) -> list[HumanTask]:
        """The READY task rows of a case, oldest first."""
        rows = self.session.execute(OPEN_TASKS_OF_CASE, {"case_id": case_id}).mappings()
        return [_detached(HumanTask, row) for row in rows]

    def insert_case(self, case: Case) -> None:
        """Insert a new case row and set its id."""
        values = {c.key: getattr(case, c.key) for c in CASES.columns if c.key != "id"}
        case.id = self.session.execute(INSERT_CASE, values).scalar_one()
        _remember_stored(case)

    def save_case(self, case: Case) -> None:
        """Write the case's changes if nobody changed it since it was read; bump its version."""
        stored = case.__dict__.get("_stored", {})
        changed = tuple(n for n in CASE_WRITTEN_WHEN_CHANGED if n not in stored or stored[n] != getattr(case, n))
        columns = CASE_ALWAYS_WRITTEN + changed
        params = {f"v_{name}": getattr(case, name) for name in columns}
        params.update(b_id=case.id, b_version=case.version, b_next_version=case.version + 1)
        result = self.session.execute(_save_case_statement(columns), params)
        if rows_matched(result) != 1:
            raise Conflict(
                f"Case {case.tracking_code} was changed by someone else while you worked on it; reload and retry"
            )
        case.version += 1
        _remember_stored(case)

    def close_task(self, task: HumanTask) -> None:
        """Mark a task completed, unless someone completed it first (then name who did)."""
        params = {"b_id": task.id, "v_state": task.state, "v_completed_at": task.completed_at}
        params.update(v_completed_by=task.completed_by, v_assignee=task.assignee)
        if rows_matched(self.session.execute(CLOSE_TASK, params)) == 1:
            return
        winner = self.task(task.id)
        if winner is not None and winner.state == TaskStatus.COMPLETED:
            when = winner.completed_at.isoformat(timespec="seconds") if winner.completed_at else "?"
            raise Conflict(f"Task '{task.name}' was already completed by {winner.completed_by} at {when}")
        raise Conflict(f"Task '{task.name}' is no longer open; reload the case")

    def set_task_assignee(self, task: HumanTask) -> None:
        """Write a task's assignee while it is still open."""
        result = self.session.execute(SET_ASSIGNEE, {"b_id": task.id, "v_assignee": task.assignee})
        if rows_matched(result) != 1:
            raise Conflict(f"Task '{task.name}' is no longer open; reload the case")

    def apply(self, changes: IndexChanges) -> None:
        """Write the index changes of an action."""
        if changes.new_tasks:
            self.session.execute(INSERT_TASKS, changes.new_tasks)
        if changes.new_timers:
            self.session.execute(INSERT_TIMERS, changes.new_timers)
        for table, updates in ((TASKS, changes.task_updates), (TIMERS, changes.timer_updates)):
            for row_id, values in updates.items():
                statement = _update_by_id(table.name, tuple(sorted(values)))
                self.session.execute(statement, {"b_id": row_id, **{f"v_{k}": v for k, v in values.items()}})
