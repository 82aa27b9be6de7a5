"""The settled steps of a case, folded into one tally so that a long case's counters need not read them again.

A step is settled once it is completed or cancelled: nothing changes its deadline, completion or escalation after
that (a resumption moves only the deadlines of open steps, a process migration rewrites only open tasks). What a
settled step gives the counters (an on-time or late "steps" key, whether it made its case late, its overdue spell)
is then kept in the tally stored with the case's counted keys, and the step's task row is marked ``tallied``.
:func:`engine.reports.counters.recount_case` reads only the steps not tallied yet, so a case's 200th step costs the
counters what its 10th did.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine.cases.enums import TaskStatus
from engine.reports.overdue import Spell, merge_spells, step_spell

StepKey = tuple[int, str, str]
"""unit_id, month the step was completed in, "on_time" or "late"."""
SETTLED = (TaskStatus.COMPLETED, TaskStatus.CANCELLED)
"""The states of a step nothing changes any more."""


def local_month(moment: datetime, zone: ZoneInfo) -> str:
    """The month ("2026-05") ``moment`` falls in, in ``zone``."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime("%Y-%m")


def is_late(task) -> bool:
    """Whether a step was completed after its deadline."""
    return task.due_at is not None and task.completed_at is not None and task.completed_at > task.due_at


def step_key(task, zone: ZoneInfo) -> StepKey | None:
    """The "steps" key a step with a deadline counts once it is completed, or None."""
    if task.due_at is None or task.completed_at is None:
        return None
    return task.unit_id, local_month(task.completed_at, zone), "late" if is_late(task) else "on_time"


@dataclass(frozen=True)
class SettledTally:
    """What a case's tallied steps give its counters."""

    steps: Counter = field(default_factory=Counter)
    """How many steps were completed on time or late, by (unit_id, month, code)."""
    late: bool = False
    """Whether one of them was completed after its deadline or escalated (the case then closes late)."""
    spells: tuple[Spell, ...] = ()
    """Their overdue spells, merged."""

    @property
    def empty(self) -> bool:
        """Whether no step was tallied."""
        return not self.steps and not self.late and not self.spells

    @classmethod
    def from_json(cls, data: dict | None) -> "SettledTally":
        """The tally as stored (``report_counted_cases.settled``); an empty one for None."""
        if not data:
            return cls()
        steps = Counter({(unit_id, month, code): n for unit_id, month, code, n in data["steps"]})
        return cls(steps, bool(data["late"]), tuple((first, end) for first, end in data["spells"]))

    def to_json(self) -> dict:
        """The tally as stored: plain lists, in a stable order."""
        steps = [[*key, n] for key, n in sorted(self.steps.items()) if n]
        return {"steps": steps, "late": self.late, "spells": [list(spell) for spell in self.spells]}

    def fold(self, tasks: Iterable, zone: ZoneInfo) -> "SettledTally":
        """This tally with settled ``tasks`` (rows with unit_id, due_at, completed_at, escalated, state) added."""
        steps, late, spells = Counter(self.steps), self.late, list(self.spells)
        for task in tasks:
            if task.state not in SETTLED:
                raise ValueError(f"an open step cannot be tallied (state {task.state})")
            if (key := step_key(task, zone)) is not None:
                steps[key] += 1
            late = late or is_late(task) or bool(task.escalated)
            if (spell := step_spell(task, zone)) is not None:
                spells.append(spell)
        return SettledTally(steps, late, tuple(merge_spells(spells)))
