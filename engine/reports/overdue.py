"""The overdue spells of a case, as ranges of month boundaries, for the report counters.

The report's overdue figure (:func:`engine.reports.counted.overdue_at`) counts, as of a moment T, the cases that
are not resolved and not ended by T and have a step that is not cancelled, fell due before T and was still open at
T. A past period is judged as of its end, a month boundary, so a case only needs to say at which boundaries it was
(or will be, while nothing closes it) overdue: ranges ``[first, end)`` of boundaries, ``end`` None while open-ended.

A boundary is named by the month it opens ("2026-05" is 00:00 local of 1 May 2026). A case counts one
``overdue_from`` at the first boundary of each range and one ``overdue_until`` at the boundary after its last, so
the cases overdue at boundary T are the ``overdue_from`` counts of the codes up to T minus the ``overdue_until``
counts of the codes up to T.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine.cases.enums import TaskStatus

FROM, UNTIL = "overdue_from", "overdue_until"
Spell = tuple[int, int | None]
"""[first boundary, boundary after the last) as month indexes (year * 12 + month - 1); None: open-ended."""


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).astimezone(zone)


def month_index(moment: datetime, zone: ZoneInfo) -> int:
    """The index of the local month ``moment`` falls in (the boundary at or before it)."""
    local = _local(moment, zone)
    return local.year * 12 + local.month - 1


def is_boundary(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether ``moment`` is 00:00 local of a month's first day."""
    local = _local(moment, zone)
    return (local.day, local.hour, local.minute, local.second, local.microsecond) == (1, 0, 0, 0, 0)


def boundary_code(index: int) -> str:
    """The code ("2026-05") of the boundary opening the month of ``index``."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def step_spell(task, zone: ZoneInfo) -> Spell | None:
    """The boundaries at which one step is overdue (due < T < completed), or None for a step without a deadline
    or cancelled."""
    if task.due_at is None or task.state == TaskStatus.CANCELLED:
        return None
    end = None
    if task.completed_at is not None:
        end = month_index(task.completed_at, zone) + (0 if is_boundary(task.completed_at, zone) else 1)
    return month_index(task.due_at, zone) + 1, end


def merge_spells(spells: Iterable[Spell]) -> list[Spell]:
    """Overlapping or touching spells joined into one, in order."""
    merged: list[Spell] = []
    for first, end in sorted(spells, key=lambda spell: spell[0]):
        if merged and (merged[-1][1] is None or first <= merged[-1][1]):
            last_first, last_end = merged[-1]
            merged[-1] = (last_first, None if last_end is None or end is None else max(last_end, end))
        else:
            merged.append((first, end))
    return merged


def overdue_spells(tasks: Iterable, *, resolved_at: datetime | None, ended_at: datetime | None, zone: ZoneInfo,
                   settled: Iterable[Spell] = ()) -> list[Spell]:  # fmt: skip
    """The boundaries at which a case is overdue: its steps' spells (and the ``settled`` spells of steps no longer
    read, see :mod:`engine.reports.tally`), merged, cut at the boundary after it was resolved (T ≤ resolved_at) or
    ended (T ≤ ended_at)."""
    spells = [*settled, *(spell for task in tasks if (spell := step_spell(task, zone)) is not None)]
    cuts = [month_index(moment, zone) + 1 for moment in (resolved_at, ended_at) if moment is not None]
    cut = min(cuts, default=None)
    clipped = [
        (first, end if cut is None or (end is not None and end <= cut) else cut) for first, end in merge_spells(spells)
    ]
    return [(first, end) for first, end in clipped if end is None or first < end]


def spell_codes(spells: Iterable[Spell]) -> list[tuple[str, str]]:
    """The (figure, code) pairs a case's spells add one to."""
    codes = []
    for first, end in spells:
        codes.append((FROM, boundary_code(first)))
        if end is not None:
            codes.append((UNTIL, boundary_code(end)))
    return codes


def overdue_at_boundary(rows: Iterable[tuple[str, str, int]], as_of_code: str) -> int:
    """The cases overdue at the boundary ``as_of_code``, from (figure, code, count) rows of the counters."""
    total = 0
    for figure, code, n in rows:
        if code <= as_of_code:
            total += n if figure == FROM else -n if figure == UNTIL else 0
    return total
