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
It reads only the steps of the case that are not in its tally of settled steps (:mod:`engine.reports.tally`).
:func:`rebuild_counters` recounts every case (the migration, the ``phananh reports rebuild-counters`` repair
command and the benchmark fixtures use it).
"""

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, cast, delete, func, insert, null, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus
from engine.core.models import Case, CaseDecision, HumanTask, ReportCount, ReportCountedCase
from engine.reports.counted import ENDINGS
from engine.reports.overdue import overdue_spells, spell_codes
from engine.reports.tally import SETTLED, SettledTally, is_late, local_month, step_key

Key = tuple[int, str, str, str, str]
"""unit_id, process_key, month, figure, code."""

COUNTS, COUNTED = ReportCount.__table__, ReportCountedCase.__table__
FACT_COLUMNS = (
    Case.id, Case.status, Case.unit_id, Case.process_key, Case.created_at, Case.completed_at, Case.source, Case.field,
    Case.screening, Case.party_sanction, Case.state_sanction, Case.published_writing, Case.published_media,
    Case.published_portal,
)  # fmt: skip
TASK_COLUMNS = (HumanTask.id, HumanTask.case_id, HumanTask.unit_id, HumanTask.due_at, HumanTask.completed_at,
                HumanTask.escalated, HumanTask.state)  # fmt: skip
COUNTING_TASK = or_(HumanTask.due_at.is_not(None), HumanTask.escalated.is_(True))
"""The tasks :func:`case_keys` can count: a step with a deadline (its on-time rate, the case's lateness, its
overdue spells) or an escalated one (the case's lateness). Any other task adds nothing, so it is never read."""
ENDED = (CaseStatus.WITHDRAWN, CaseStatus.TERMINATED)
"""The statuses of the cases a withdrawal or termination ended (only their decisions are read)."""
ANY_PROCESS = ""
"""The process of the counters that count every process (the steps)."""
BATCH = 5_000
NONE = ""
"""The code of a breakdown whose value is missing (a report not screened yet, a case without a source)."""
EMPTY_TALLY = SettledTally()


def case_keys(case, tasks: Iterable, zone: ZoneInfo, ended_at: datetime | None = None,
              tally: SettledTally = EMPTY_TALLY) -> Counter[Key]:  # fmt: skip
    """How many times ``case`` (a Case or a row with its columns) adds one to each counter, by the conditions of
    :mod:`engine.reports.summary` and :mod:`engine.reports.counted`. ``tasks``: its steps not in ``tally`` (rows
    with unit_id, due_at, completed_at, escalated, state); ``ended_at``: when its first withdrawal or termination
    was recorded."""
    tasks = list(tasks)
    steps, late = Counter(tally.steps), tally.late
    for task in tasks:
        late = late or is_late(task) or bool(task.escalated)
        if (key := step_key(task, zone)) is not None:
            steps[key] += 1
    keys: Counter[Key] = Counter(
        {(unit, ANY_PROCESS, month, "steps", code): n for (unit, month, code), n in steps.items()}
    )
    if case.completed_at is not None:
        closed = local_month(case.completed_at, zone)
        keys[(case.unit_id, case.process_key, closed, "closed", "late" if late else "on_time")] += 1
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
    spells = overdue_spells(tasks, resolved_at=resolved_at, ended_at=ended_at, zone=zone, settled=tally.spells)
    figures += spell_codes(spells)
    keys.update((*base, figure, code) for figure, code in figures)
    return keys


def keys_to_json(keys: Counter[Key]) -> list[list]:
    """The counted keys as stored: [unit_id, process_key, month, figure, code, times], in key order."""
    return [[*key, n] for key, n in sorted(keys.items()) if n]


def keys_from_json(stored: list[list]) -> Counter[Key]:
    """The counted keys as stored by :func:`keys_to_json` (migration 0033 rewrote every case's keys that way)."""
    return Counter({(unit, process, month, figure, code): n for unit, process, month, figure, code, n in stored})


CASES, TASKS = Case.__table__, HumanTask.__table__
COUNTED_COLUMNS = (
    COUNTED.c.zone.label("counted_zone"), COUNTED.c["keys"].label("counted_keys"),
    COUNTED.c.settled.label("counted_settled"),
)  # fmt: skip
COUNTED_WITH_TASKS = union_all(
    select(*(cast(null(), column.type).label(column.key) for column in COUNTED_COLUMNS), *TASK_COLUMNS).where(
        HumanTask.case_id == bindparam("case_id"), COUNTING_TASK, HumanTask.tallied.is_(False)
    ),
    select(*COUNTED_COLUMNS, *(cast(null(), column.type).label(column.key) for column in TASK_COLUMNS)).where(
        COUNTED.c.case_id == bindparam("case_id")
    ),
)
"""What a case counted last time (its keys and the tally of its settled steps) and its counting steps not tallied
yet, in one statement: a row per task (its counted columns empty) and, when the case counted before, one row of
what it counted (its task columns empty), in no set order. Once, not with every task: decoding the keys again per
task made a step cost more the longer the case."""
ENDED_AT = select(func.min(CaseDecision.recorded_at)).where(
    CaseDecision.case_id == bindparam("case_id"), CaseDecision.kind.in_(ENDINGS.values())
)
INSERT_COUNTED = insert(COUNTED)
UPDATE_COUNTED = (
    update(COUNTED)
    .where(COUNTED.c.case_id == bindparam("b_case_id"))
    .values(zone=bindparam("zone"), keys=bindparam("keys"), settled=bindparam("settled"))
)
MARK_TALLIED = update(TASKS).where(TASKS.c.id.in_(bindparam("ids", expanding=True))).values(tallied=True)
TALLY_AFTER = 8
"""Settled steps wait untallied until there are this many: a short case is never tallied (no extra write), a long
one reads at most this many settled steps besides its open ones."""


def recount_case(session: Session, case: Case, *, zone: ZoneInfo) -> None:
    """Bring the counters up to date with ``case``'s current facts, in the caller's transaction.

    One indexed read (what it counted, with its steps not tallied yet) when nothing counted changed; the statements
    are built once and run on the connection (no ORM result processing). Once :data:`TALLY_AFTER` steps are settled
    and not tallied, they join the case's tally (:mod:`engine.reports.tally`)."""
    session.flush()  # what the ORM's autoflush did for the reads: pending rows of the action are seen
    connection = session.connection()
    rows = connection.execute(COUNTED_WITH_TASKS, {"case_id": case.id}).all()
    tasks = [row for row in rows if row.case_id is not None]
    counted = next((row for row in rows if row.counted_keys is not None), None)  # None: the case never counted
    tally = SettledTally.from_json(counted.counted_settled if counted is not None else None)
    settled = [task for task in tasks if task.state in SETTLED]
    folded = len(settled) >= TALLY_AFTER
    if folded:
        tally = tally.fold(settled, zone)
        tasks = [task for task in tasks if task.state not in SETTLED]
        connection.execute(MARK_TALLIED, {"ids": [task.id for task in settled]})
    ended_at = connection.execute(ENDED_AT, {"case_id": case.id}).scalar() if case.status in ENDED else None
    keys = case_keys(case, tasks, zone, ended_at, tally)
    old = keys_from_json(counted.counted_keys) if counted is not None else Counter()
    old_zone = counted.counted_zone if counted is not None else zone.key
    if counted is not None and old_zone == zone.key and old == keys and not folded:
        return
    changes: Counter = Counter({(zone.key, *key): n for key, n in keys.items()})
    changes.subtract({(old_zone, *key): n for key, n in old.items()})
    add_counts(connection, changes)
    values = {"zone": zone.key, "keys": keys_to_json(keys), "settled": None if tally.empty else tally.to_json()}
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
    connection.execute(delete(COUNTED))  # the tallies with them: every task is read again, and tallied anew
    connection.execute(delete(COUNTS))
    connection.execute(update(TASKS).where(TASKS.c.tallied.is_(True)).values(tallied=False))
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
        for task in connection.execute(select(*TASK_COLUMNS).where(*between, COUNTING_TASK)):
            tasks.setdefault(task.case_id, []).append(task)
        counted = []
        for row in rows:
            keys = case_keys(row, tasks.get(row.id, ()), zone, ended.get(row.id))
            totals.update({(zone.key, *key): n for key, n in keys.items()})
            counted.append({"case_id": row.id, "zone": zone.key, "keys": keys_to_json(keys), "settled": None})
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
