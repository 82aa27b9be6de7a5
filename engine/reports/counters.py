"""Report counters: the per-unit, per-month counts the periodic report reads instead of every case.

Each case adds one to a few counters keyed by (zone, unit, process, month, figure, code). In the month it was
received: ``received``, its source, field and screening, its sanctions, its publication channels, and ``resolved``
with the month it was resolved in as the code. In the month it was closed: ``closed`` ("late" when one of its steps
was escalated or completed after its deadline, else "on_time"). In the month each of its steps with a deadline was
completed: ``steps`` ("late" or "on_time"), under the process ``ANY_PROCESS`` because the on-time rate of steps
counts every process. A step's unit is its case's unit (the runtime gives tasks their case's unit). In the month
it was received: ``overdue_from`` and ``overdue_until`` with the month boundaries its overdue spells begin and end
at as codes (:mod:`engine.reports.overdue`).

:func:`recount_case` runs in the transaction of every case action (see :mod:`engine.reports.hooks`): it takes back
the keys the case counted last time and adds the new ones, so the counters always equal a recount of the cases.
:func:`rebuild_counters` recounts every case (the migration, the ``phananh reports rebuild-counters`` repair
command and the benchmark fixtures use it).
"""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, cast, delete, func, insert, null, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus
from engine.core.models import Case, CaseDecision, HumanTask, ReportCount, ReportCountedCase
from engine.reports.counted import ENDINGS
from engine.reports.overdue import overdue_spells, spell_codes

Key = tuple[int, str, str, str, str]
"""unit_id, process_key, month, figure, code."""

COUNTS, COUNTED = ReportCount.__table__, ReportCountedCase.__table__
FACT_COLUMNS = (
    Case.id, Case.status, Case.unit_id, Case.process_key, Case.created_at, Case.completed_at, Case.source, Case.field,
    Case.screening, Case.party_sanction, Case.state_sanction, Case.published_writing, Case.published_media,
    Case.published_portal,
)  # fmt: skip
TASK_COLUMNS = (HumanTask.case_id, HumanTask.unit_id, HumanTask.due_at, HumanTask.completed_at, HumanTask.escalated,
                HumanTask.state)  # fmt: skip
ENDED = (CaseStatus.WITHDRAWN, CaseStatus.TERMINATED)
"""The statuses of the cases a withdrawal or termination ended (only their decisions are read)."""
ANY_PROCESS = ""
"""The process of the counters that count every process (the steps)."""
BATCH = 5_000
NONE = ""
"""The code of a breakdown whose value is missing (a report not screened yet, a case without a source)."""


def local_month(moment: datetime, zone: ZoneInfo) -> str:
    """The month ("2026-05") ``moment`` falls in, in ``zone``."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime("%Y-%m")


def case_keys(case, tasks: Iterable, zone: ZoneInfo, ended_at: datetime | None = None) -> list[Key]:
    """The counters ``case`` (a Case or a row with its columns) and its ``tasks`` (rows with unit_id, due_at,
    completed_at, escalated, state) add one to, by the conditions of :mod:`engine.reports.summary` and
    :mod:`engine.reports.counted`; ``ended_at``: when its first withdrawal or termination was recorded."""
    tasks = list(tasks)
    keys: list[Key] = []
    late = False
    for task in tasks:
        late_step = task.due_at is not None and task.completed_at is not None and task.completed_at > task.due_at
        late = late or late_step or bool(task.escalated)
        if task.due_at is not None and task.completed_at is not None:
            done = local_month(task.completed_at, zone)
            keys.append((task.unit_id, ANY_PROCESS, done, "steps", "late" if late_step else "on_time"))
    if case.completed_at is not None:
        closed = local_month(case.completed_at, zone)
        keys.append((case.unit_id, case.process_key, closed, "closed", "late" if late else "on_time"))
    base = (case.unit_id, case.process_key, local_month(case.created_at, zone))
    figures = [("received", NONE), ("by_source", case.source or NONE), ("by_field", case.field or NONE),
               ("screening", case.screening or NONE)]  # fmt: skip
    figures += [("party_sanctions", case.party_sanction)] if case.party_sanction else []
    figures += [("state_sanctions", case.state_sanction)] if case.state_sanction else []
    channels = (("writing", case.published_writing), ("media", case.published_media), ("portal", case.published_portal))
    figures += [("publicity", channel) for channel, published in channels if published]
    if case.screening == "in_scope" and case.completed_at is not None:
        figures.append(("resolved", local_month(case.completed_at, zone)))
    # SQL's NOT (screening = 'in_scope' AND closed) is not true for a closed case never screened: never overdue after
    resolved_at = case.completed_at if case.screening in ("in_scope", None) else None
    figures += spell_codes(overdue_spells(tasks, resolved_at=resolved_at, ended_at=ended_at, zone=zone))
    return keys + [(*base, figure, code) for figure, code in figures]


CASES, TASKS = Case.__table__, HumanTask.__table__
COUNTED_COLUMNS = (COUNTED.c.zone.label("counted_zone"), COUNTED.c["keys"].label("counted_keys"))
COUNTED_WITH_TASKS = union_all(
    select(*(cast(null(), column.type).label(column.key) for column in COUNTED_COLUMNS), *TASK_COLUMNS).where(
        HumanTask.case_id == bindparam("case_id")
    ),
    select(*COUNTED_COLUMNS, *(cast(null(), column.type).label(column.key) for column in TASK_COLUMNS)).where(
        COUNTED.c.case_id == bindparam("case_id")
    ),
)
"""The keys a case counted last time and its tasks, in one statement: a row per task (its counted columns empty)
and, when the case counted before, one row of counted keys (its task columns empty), in no set order. Once, not
with every task: the keys grow with the steps a case took, and decoding them again per task made a step cost more
the longer the case."""
ENDED_AT = select(func.min(CaseDecision.recorded_at)).where(
    CaseDecision.case_id == bindparam("case_id"), CaseDecision.kind.in_(ENDINGS.values())
)
INSERT_COUNTED = insert(COUNTED)
UPDATE_COUNTED = (
    update(COUNTED)
    .where(COUNTED.c.case_id == bindparam("b_case_id"))
    .values(zone=bindparam("zone"), keys=bindparam("keys"))
)


def recount_case(session: Session, case: Case, *, zone: ZoneInfo) -> None:
    """Bring the counters up to date with ``case``'s current facts, in the caller's transaction.

    One indexed read (the keys it counted with the case's tasks) when nothing counted changed; the statements
    are built once and run on the connection (no ORM result processing)."""
    session.flush()  # what the ORM's autoflush did for the reads: pending rows of the action are seen
    connection = session.connection()
    rows = connection.execute(COUNTED_WITH_TASKS, {"case_id": case.id}).all()
    tasks = [row for row in rows if row.case_id is not None]
    ended_at = connection.execute(ENDED_AT, {"case_id": case.id}).scalar() if case.status in ENDED else None
    keys = case_keys(case, tasks, zone, ended_at)
    counted = next((row for row in rows if row.counted_keys is not None), None)  # None: the case never counted
    old = [tuple(key) for key in counted.counted_keys] if counted is not None else []
    old_zone = counted.counted_zone if counted is not None else zone.key
    if counted is not None and old_zone == zone.key and sorted(old) == sorted(keys):
        return
    changes: Counter = Counter((zone.key, *key) for key in keys)
    changes.subtract(Counter((old_zone, *key) for key in old))
    add_counts(connection, changes)
    values = {"zone": zone.key, "keys": [list(key) for key in keys]}
    if counted is None:
        connection.execute(INSERT_COUNTED, {"case_id": case.id, **values})
    else:
        connection.execute(UPDATE_COUNTED, {"b_case_id": case.id, **values})


def _upsert(dialect):
    statement = dialect.insert(COUNTS)
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in COUNTS.primary_key.columns],
        set_={"count": COUNTS.c.count + statement.excluded.count},
    )


UPSERT = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
"""Add a count to a counter, creating it: one statement per dialect, built once."""


def add_counts(connection: Connection, changes: Counter) -> None:
    """Add each change to its counter (creating it), in key order so that concurrent actions lock alike."""
    rows = [
        {"zone": z, "unit_id": u, "process_key": p, "month": m, "figure": f, "code": c, "count": n}
        for (z, u, p, m, f, c), n in sorted(changes.items())
        if n
    ]
    if rows:
        connection.execute(UPSERT["postgresql" if connection.dialect.name == "postgresql" else "sqlite"], rows)


def rebuild_counters(connection: Connection, *, zone: ZoneInfo, progress: Callable[[int], None] | None = None) -> int:
    """Recount every case from scratch into the counters (all zones' counters are replaced); returns the cases.

    ``progress`` is told the number of cases counted so far after each batch (a city's 100,000 cases take
    15–70 s on a 2-core machine).
    """
    connection.execute(delete(COUNTED))
    connection.execute(delete(COUNTS))
    totals: Counter = Counter()
    after, cases = 0, 0
    ending = select(CaseDecision.case_id, func.min(CaseDecision.recorded_at)).where(
        CaseDecision.kind.in_(ENDINGS.values())
    )
    ended = {case_id: at for case_id, at in connection.execute(ending.group_by(CaseDecision.case_id))}
    query = select(*FACT_COLUMNS).order_by(Case.id).limit(BATCH)
    while rows := connection.execute(query.where(Case.id > after)).all():
        tasks: dict[int, list] = {}
        between = HumanTask.case_id > after, HumanTask.case_id <= rows[-1].id
        for task in connection.execute(select(*TASK_COLUMNS).where(*between)):
            tasks.setdefault(task.case_id, []).append(task)
        counted = []
        for row in rows:
            keys = case_keys(row, tasks.get(row.id, ()), zone, ended.get(row.id))
            totals.update((zone.key, *key) for key in keys)
            counted.append({"case_id": row.id, "zone": zone.key, "keys": [list(key) for key in keys]})
        connection.execute(insert(COUNTED), counted)
        after, cases = rows[-1].id, cases + len(rows)
        if progress is not None:
            progress(cases)
    for first in range(0, len(totals), BATCH):
        chunk = Counter(dict(list(totals.items())[first : first + BATCH]))
        add_counts(connection, chunk)
    return cases


def read_counts(session: Session, *, zone: ZoneInfo, unit_ids: Iterable[int], process_key: str,
                months: list[str]) -> list[tuple[str, str, int]]:  # fmt: skip
    """(figure, code, count) of the process (and of every process: the steps) summed over ``unit_ids`` and
    ``months``."""
    query = (
        select(COUNTS.c.figure, COUNTS.c.code, func.sum(COUNTS.c.count))
        .where(
            COUNTS.c.zone == zone.key,
            COUNTS.c.unit_id.in_(list(unit_ids)),
            COUNTS.c.process_key.in_([process_key, ANY_PROCESS]),
            COUNTS.c.month.in_(months),
        )  # fmt: skip
        .group_by(COUNTS.c.figure, COUNTS.c.code)
    )
    return [(figure, code, int(n)) for figure, code, n in session.execute(query)]
