"""What each figure of the periodic report counts, as SQL conditions on cases.

The counts of :mod:`engine.reports.summary` and the drill-down lists of :mod:`engine.reports.drilldown` are both
built from these conditions, so a figure and the list of cases behind it cannot disagree.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, false, or_, select

from engine.cases.enums import DecisionKind, TaskStatus
from engine.core.models import Case, CaseDecision, HumanTask
from engine.reports.periods import Period

REPORT_PROCESS = "report_1374"
PETITION_PROCESS = "petition_triage"
PENDING = "pending"
"""The code of the screening figure of reports not screened yet (their ``screening`` is NULL)."""

BY_COLUMN = {
    "by_source": Case.source, "by_field": Case.field, "party_sanctions": Case.party_sanction,
    "state_sanctions": Case.state_sanction,
}  # fmt: skip
CHANNELS = {"writing": Case.published_writing, "media": Case.published_media, "portal": Case.published_portal}


@dataclass(frozen=True)
class Scope:
    """The cases a report looks at: a process, units, and the instants of a period and its "as of" moment."""

    unit_ids: list[int]
    start: datetime
    end: datetime
    as_of: datetime
    process_key: str = REPORT_PROCESS

    @classmethod
    def of(cls, unit_ids: list[int], period: Period, *, zone: ZoneInfo, now: datetime,
           process_key: str = REPORT_PROCESS) -> "Scope":  # fmt: skip
        """The scope of ``period``: judged as of its end, or ``now`` for the running period."""
        start, end = period.bounds(zone)
        return cls(unit_ids, start, end, min(now, end), process_key)


def received_in(scope: Scope, process_key: str | None = None) -> ColumnElement[bool]:
    """Cases of the process received in the period in the units."""
    return and_(
        Case.unit_id.in_(scope.unit_ids), Case.process_key == (process_key or scope.process_key),
        Case.created_at >= scope.start, Case.created_at < scope.end,
    )  # fmt: skip


def resolved_by(as_of: datetime) -> ColumnElement[bool]:
    """In scope (within jurisdiction) and closed before ``as_of``."""
    return and_(Case.screening == "in_scope", Case.completed_at.is_not(None), Case.completed_at < as_of)


ENDINGS = {"withdrawn": DecisionKind.WITHDRAWAL, "terminated": DecisionKind.TERMINATION}
"""The figures of the cases that ended without a resolution, and the decision that ended them."""


def ended_by(as_of: datetime, *kinds: DecisionKind) -> ColumnElement[bool]:
    """Ended by a withdrawal (rút đơn) or a termination (đình chỉ) recorded before ``as_of`` (by default either)."""
    chosen = kinds or tuple(ENDINGS.values())
    decided = select(CaseDecision.case_id).where(CaseDecision.kind.in_(chosen), CaseDecision.recorded_at < as_of)
    return Case.id.in_(decided)


def late_steps(unit_ids: list[int], as_of: datetime):
    """The ids of cases with a step that was open and past its deadline at ``as_of``."""
    return select(HumanTask.case_id).where(
        HumanTask.unit_id.in_(unit_ids), HumanTask.due_at < as_of, HumanTask.state != TaskStatus.CANCELLED,
        or_(HumanTask.completed_at.is_(None), HumanTask.completed_at > as_of),
    )  # fmt: skip


def overdue_at(scope: Scope) -> ColumnElement[bool]:
    """Received in the period, unresolved at ``as_of``, with a step past its deadline then."""
    return and_(
        received_in(scope), ~resolved_by(scope.as_of), ~ended_by(scope.as_of),
        Case.id.in_(late_steps(scope.unit_ids, scope.as_of)),
    )  # fmt: skip


def screening_is(code: str) -> ColumnElement[bool]:
    """The screening outcome ``code``; ``pending`` for reports not screened yet."""
    return Case.screening.is_(None) if code == PENDING else Case.screening == code


def figure_condition(key: str, scope: Scope) -> ColumnElement[bool] | None:
    """The condition of the cases counted by the figure ``key``; None for a figure that counts no case set.

    Keys: ``received``, ``resolved``, ``in_progress``, ``overdue``, ``withdrawn``, ``terminated`` (ended without a
    resolution: neither resolved nor in progress), ``petitions.received``, and ``<section>.<code>``
    for the breakdowns (``by_source``, ``by_field``, ``screening``, ``party_sanctions``, ``state_sanctions``,
    ``publicity``).
    """
    received = received_in(scope)
    whole = {
        "received": received,
        "resolved": and_(received, resolved_by(scope.as_of)),
        "in_progress": and_(received, Case.screening == "in_scope", ~resolved_by(scope.as_of), ~ended_by(scope.as_of)),
        "withdrawn": and_(received, ended_by(scope.as_of, ENDINGS["withdrawn"])),
        "terminated": and_(received, ended_by(scope.as_of, ENDINGS["terminated"])),
        "overdue": overdue_at(scope),
        "petitions.received": received_in(scope, PETITION_PROCESS),
    }
    if key in whole:
        return whole[key]
    section, _, code = key.partition(".")
    if not code:
        return None
    if section in BY_COLUMN:
        return and_(received, BY_COLUMN[section] == code)
    if section == "screening":
        return and_(received, screening_is(code))
    if section == "publicity":
        column = CHANNELS.get(code)
        return and_(received, column.is_(True) if column is not None else false())
    return None
