"""Read-side queries: case lists, inboxes, histories. Every query is scoped to the units the actor can see."""

from dataclasses import dataclass
from dataclasses import field as default
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, func, or_, select, true
from sqlalchemy import case as case_when
from sqlalchemy.orm import Session, aliased

from engine.cases.enums import CaseStatus, TaskStatus
from engine.core.db import LIKE_ESCAPE, contains_pattern
from engine.core.errors import BadRequest, NotFound
from engine.core.models import AuditEvent, Case, HumanTask, Unit
from engine.people.auth import Actor
from engine.search.query import Highlight, highlights, rank_cases
from engine.search.text import SearchQuery, parse_query

CASE_STATUSES = tuple(CaseStatus)


@dataclass
class Page:
    """One page of results."""

    items: list
    total: int
    page: int
    page_size: int
    highlights: dict[int, Highlight] = default(default_factory=dict)
    """Of a search: each found case's title, subject and description with the matched words marked."""
    capped: bool = False
    """Of a search: ``total`` is the number of newest matches ranked; there may be more (more words narrow it)."""


def _check_page(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= 200:
        raise BadRequest("page must be ≥ 1 and page_size between 1 and 200")


def _paginate(session: Session, query: Select, page: int, page_size: int, *, counted: Select | None = None) -> Page:
    """One page of ``query``; the total counts ``counted`` (the same rows, without what only sorts) or ``query``."""
    _check_page(page, page_size)
    total_of = (query if counted is None else counted).order_by(None)
    total = session.scalar(select(func.count()).select_from(total_of.subquery())) or 0
    items = list(session.scalars(query.offset((page - 1) * page_size).limit(page_size)))
    return Page(items=items, total=total, page=page, page_size=page_size)


@dataclass
class CaseFilters:
    """What a case list can be narrowed by."""

    status: str | None = None
    process: str | None = None
    q: str | None = None
    unit: int | None = None
    field: str | None = None
    source: str | None = None
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    screening: str | None = None
    party_sanction: str | None = None
    state_sanction: str | None = None
    channel: str | None = None


CHANNEL_COLUMNS = {"writing": Case.published_writing, "media": Case.published_media, "portal": Case.published_portal}


SCREENING_FILTERS = ("in_scope", "out_of_scope", "duplicate", "pending")
"""The screening outcomes of a 1374 report, and ``pending`` for reports not screened yet."""


def _check_choice(name: str, value: str | None, accepted: tuple[str, ...]) -> None:
    """Refuse a filter value that is not one of its choices, rather than silently ignoring it."""
    if value and value not in accepted:
        raise BadRequest(f"Unknown {name} '{value}'; use one of {', '.join(accepted)}")


def list_cases(
    session: Session, actor: Actor, filters: CaseFilters, *, now: datetime, page: int = 1, page_size: int = 20
) -> Page:
    """Cases of the actor's units, newest first, filtered; with ``q``, the best matches of a search first."""
    _check_page(page, page_size)
    conditions, units = _case_conditions(session, actor, filters, now)
    if filters.q and filters.q.strip():
        return _searched_cases(session, parse_query(filters.q), conditions, units, page, page_size)
    query = select(Case).where(*conditions).order_by(Case.created_at.desc(), Case.id.desc())
    return _paginate(session, query, page, page_size)


def _searched_cases(
    session: Session,
    query: SearchQuery,
    conditions: list[ColumnElement[bool]],
    units: set[int],
    page: int,
    page_size: int,
) -> Page:
    """One page of a search's ranked cases, with their highlighted title, subject and description snippet."""
    ranked = rank_cases(session, query, conditions, units)
    ids = [case_id for case_id, _ in ranked.hits[(page - 1) * page_size : page * page_size]]
    found = cases_by_id(session, set(ids))
    return Page(
        items=[found[case_id] for case_id in ids if case_id in found], total=len(ranked.hits), page=page,
        page_size=page_size, highlights=highlights(session, query, ids), capped=ranked.capped,
    )  # fmt: skip


def _case_conditions(
    session: Session, actor: Actor, filters: CaseFilters, now: datetime
) -> tuple[list[ColumnElement[bool]], set[int]]:
    """The conditions on ``Case`` of the actor's scope and the list's filters, and the units they allow."""
    _check_choice("status", filters.status, CASE_STATUSES)
    _check_choice("screening", filters.screening, SCREENING_FILTERS)
    _check_choice("channel", filters.channel, tuple(CHANNEL_COLUMNS))
    units = set(actor.visible_unit_ids)
    if filters.unit is not None:
        if filters.unit not in units:
            raise NotFound(f"Unit {filters.unit} does not exist or is not one of your units")
        units = set(session.scalars(select(Unit.id).where(Unit.path.startswith(_unit_path(session, filters.unit)))))
    conditions: list[ColumnElement[bool]] = [Case.unit_id.in_(units)]
    for column, value in ((Case.status, filters.status), (Case.process_key, filters.process),
                          (Case.field, filters.field), (Case.source, filters.source),
                          (Case.party_sanction, filters.party_sanction), (Case.state_sanction, filters.state_sanction),
                          ):  # fmt: skip
        if value:
            conditions.append(column == value)
    if filters.screening:
        pending = filters.screening == "pending"
        conditions.append(Case.screening.is_(None) if pending else Case.screening == filters.screening)
    if filters.channel:
        conditions.append(CHANNEL_COLUMNS[filters.channel].is_(True))
    if filters.overdue:
        late = select(HumanTask.case_id).where(HumanTask.state == TaskStatus.READY, HumanTask.due_at < now)
        conditions.append(Case.id.in_(late))
    if filters.received_from:
        conditions.append(Case.created_at >= _start_of_day(filters.received_from))
    if filters.received_to:
        conditions.append(Case.created_at < _start_of_day(filters.received_to + timedelta(days=1)))
    return conditions, units


def _unit_path(session: Session, unit_id: int) -> str:
    return session.scalar(select(Unit.path).where(Unit.id == unit_id)) or "/"


def _start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def visible_case(session: Session, actor: Actor, case_id: int) -> Case:
    """A case the actor may see, or NotFound."""
    case = session.get(Case, case_id)
    if case is None or not actor.sees_unit(case.unit_id):
        raise NotFound(f"Case {case_id} does not exist or is not in your units")
    return case


def visible_task(session: Session, actor: Actor, task_id: str) -> HumanTask:
    """A task the actor may see, or NotFound."""
    task = session.get(HumanTask, task_id)
    if task is None or not actor.sees_unit(task.unit_id):
        raise NotFound(f"Task {task_id} does not exist or is not in your units")
    return task


def open_tasks_of_case(session: Session, case_id: int) -> list[HumanTask]:
    """The READY tasks of a case."""
    return list(
        session.scalars(
            select(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY)
            .order_by(HumanTask.created_at)
        )
    )


INBOX_SORTS = ("deadline", "code", "title", "step", "received", "assignee")
"""The columns the inbox can be sorted by; ``deadline`` (soonest first, no deadline last) is the default."""
INBOX_ORDERS = ("asc", "desc")
INBOX_TABS = ("all", "mine", "group", "overdue", "week")
"""The inbox tabs: every open task of mine or my group's, mine, my group's, overdue, due within a week."""
WEEK = timedelta(days=7)


def _mine(actor: Actor) -> ColumnElement[bool]:
    """Tasks assigned to the actor in their units: a seek on ``ix_human_tasks_inbox`` (state, assignee, unit_id).

    The unit condition keeps out what the actor could not open anyway (``visible_task``), and it lets a database
    sharded by unit send the query only to the actor's units' shards (docs/scaling.md).
    """
    return (HumanTask.assignee == actor.username) & HumanTask.unit_id.in_(sorted(actor.visible_unit_ids))


def _group(actor: Actor) -> ColumnElement[bool]:
    """Unassigned tasks of the actor's roles in their units: a seek on (state, NULL, unit_id, lane)."""
    return (
        HumanTask.assignee.is_(None)
        & HumanTask.unit_id.in_(sorted(actor.visible_unit_ids))
        & HumanTask.lane.in_(sorted(actor.roles))
    )


def _open_tasks(actor: Actor, *, q: str | None = None, with_case: bool = False) -> Select:
    """Open tasks of the actor (assigned to them, or open to their role in their units), searched with ``q``.

    The tasks are joined to their case only to search (``q``) or when ``with_case`` asks for it (a filter or sort
    on a case column): without the join, the tasks are read through ``ix_human_tasks_inbox`` alone.
    """
    query = select(HumanTask).where(HumanTask.state == TaskStatus.READY, _mine(actor) | _group(actor))
    searched = bool(q and q.strip())
    if searched or with_case:
        query = query.join(Case, Case.id == HumanTask.case_id)
    if q and searched:
        pattern = contains_pattern(q.strip())
        columns = (Case.tracking_code, Case.title, Case.subject_name, HumanTask.name)
        query = query.where(or_(*(column.ilike(pattern, escape=LIKE_ESCAPE) for column in columns)))
    return query


def _tabs(actor: Actor, now: datetime, task=HumanTask) -> dict[str, ColumnElement[bool]]:
    """Which of the actor's open tasks each inbox tab holds, by tab name.

    ``task`` is ``HumanTask`` or an alias of it over the actor's open tasks.
    """
    due = task.due_at
    return {
        "all": true(),
        "mine": task.assignee == actor.username,
        "group": task.assignee.is_(None),
        "overdue": due < now,
        "week": (due >= now) & (due < now + WEEK),
    }


def _tab_counts(actor: Actor, now: datetime) -> dict[str, ColumnElement[int]]:
    """The count of the actor's open tasks in each inbox tab, by tab name (``count(CASE WHEN tab THEN 1 END)``)."""
    return {name: func.count(case_when((tab, 1))) for name, tab in _tabs(actor, now).items()}


@dataclass
class InboxFilters:
    """What narrows one page of the inbox beyond the search: a tab's conditions, a process, a case."""

    assigned: str | None = None
    overdue: bool = False
    due_before: datetime | None = None
    process: str | None = None
    case_id: int | None = None

    def conditions(self, actor: Actor, now: datetime, task, process_key) -> list[ColumnElement[bool]]:
        """The conditions on ``task`` (an alias of ``HumanTask`` over the actor's open tasks) and its case's process."""
        if self.assigned not in (None, "me", "group"):
            raise BadRequest("assigned must be 'me' or 'group'")
        tabs, due = _tabs(actor, now, task), task.due_at
        conditions: list[ColumnElement[bool]] = []
        if self.assigned:
            conditions.append(tabs["mine" if self.assigned == "me" else "group"])
        if self.overdue:
            conditions += [due.is_not(None), due < now]
        if self.due_before is not None:
            conditions += [due.is_not(None), due >= now, due < self.due_before]
        if self.process:
            conditions.append(process_key == self.process)
        if self.case_id is not None:
            conditions.append(task.case_id == self.case_id)
        return conditions


@dataclass
class InboxPage(Page):
    """One page of the inbox, and how many open tasks each tab holds with the same search (by tab name)."""

    counts: dict[str, int] = default(default_factory=dict)


CASE_SORTS = {"code": Case.tracking_code, "title": Case.title, "received": Case.created_at}
"""The inbox sorts by a column of the case: only these (and a search or a process filter) join ``cases``."""
TASK_SORTS = {"deadline": "due_at", "step": "name", "assignee": "assignee"}


def inbox(
    session: Session,
    actor: Actor,
    *,
    now: datetime,
    assigned: str | None = None,
    overdue: bool = False,
    due_before: datetime | None = None,
    process: str | None = None,
    case_id: int | None = None,
    q: str | None = None,
    sort: str = "deadline",
    order: str = "asc",
    page: int = 1,
    page_size: int = 50,
) -> InboxPage:
    """The actor's open tasks: assigned to them, or unassigned for their role in their units; with the tab counts.

    ``q`` finds words of the tracking code, case title, subject or step name (case-insensitive); ``sort`` is
    one of ``INBOX_SORTS`` and ``order`` ``asc`` or ``desc``; tasks without the sorted value come last. The
    counts of the tabs (``INBOX_TABS``: with the same ``q``, not narrowed by the other filters) and the page's
    total come out of the page's own statement: the actor's open tasks are read once and counted as a window,
    then filtered, sorted and cut to the page. An empty page has no row to carry them: they are counted apart.
    """
    _check_page(page, page_size)
    _check_choice("sort", sort, INBOX_SORTS)
    _check_choice("order", order, INBOX_ORDERS)
    filters = InboxFilters(assigned, overdue, due_before, process, case_id)
    case_columns: list[Label[Any]] = [CASE_SORTS[sort].label("case_sort")] if sort in CASE_SORTS else []
    case_columns += [Case.process_key.label("case_process")] if process else []
    counts = [count.over().label(f"tab_{name}") for name, count in _tab_counts(actor, now).items()]
    opened = _open_tasks(actor, q=q, with_case=bool(case_columns)).add_columns(*case_columns, *counts).subquery()
    task = aliased(HumanTask, opened)
    process_key = opened.c.case_process if process else None
    listed = select(task).where(*filters.conditions(actor, now, task, process_key))
    sorted_by = opened.c.case_sort if sort in CASE_SORTS else getattr(task, TASK_SORTS[sort])
    directed = sorted_by.desc() if order == "desc" else sorted_by.asc()
    statement = (
        listed.add_columns(func.count().over().label("total"), *(opened.c[f"tab_{name}"] for name in INBOX_TABS))
        .order_by(sorted_by.is_(None), directed, task.created_at, task.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = session.execute(statement).all()
    if not rows:
        total = 0 if page == 1 else session.scalar(select(func.count()).select_from(listed.subquery())) or 0
        return InboxPage(items=[], total=total, page=page, page_size=page_size,
                         counts=inbox_counts(session, actor, now=now, q=q))  # fmt: skip
    tab_counts = {name: int(getattr(rows[0], f"tab_{name}")) for name in INBOX_TABS}
    return InboxPage(items=[row[0] for row in rows], total=rows[0].total, page=page, page_size=page_size,
                     counts=tab_counts)  # fmt: skip


def inbox_tab(
    session: Session,
    actor: Actor,
    tab: str,
    *,
    now: datetime,
    q: str | None = None,
    sort: str = "deadline",
    order: str = "asc",
    page: int = 1,
    page_size: int = 50,
) -> InboxPage:
    """One tab of the inbox (``INBOX_TABS``), searched and sorted, with the counts of every tab."""
    _check_choice("tab", tab, INBOX_TABS)
    return inbox(session, actor, now=now, q=q, sort=sort, order=order, page=page, page_size=page_size,
                 **_tab_filters(tab, now))  # fmt: skip


def _tab_filters(tab: str, now: datetime) -> dict:
    return {
        "assigned": {"mine": "me", "group": "group"}.get(tab),
        "overdue": tab == "overdue",
        "due_before": now + WEEK if tab == "week" else None,
    }


def inbox_counts(session: Session, actor: Actor, *, now: datetime, q: str | None = None) -> dict[str, int]:
    """How many open tasks each inbox tab holds (with the same search ``q``), by tab name.

    One query over the actor's open tasks counts every tab at once; ``inbox`` gives the same counts with its page.
    """
    counts = _tab_counts(actor, now)
    row = session.execute(_open_tasks(actor, q=q).with_only_columns(*counts.values())).one()
    return {name: int(count or 0) for name, count in zip(counts, row, strict=True)}


def case_events(session: Session, case_id: int) -> list[AuditEvent]:
    """The audit trail of a case, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))


def cases_by_id(session: Session, case_ids: set[int]) -> dict[int, Case]:
    """Cases by id, in one query."""
    if not case_ids:
        return {}
    return {case.id: case for case in session.scalars(select(Case).where(Case.id.in_(case_ids)))}


def tracking_codes(session: Session, case_ids: set[int]) -> dict[int, str]:
    """The tracking code of each case, by case id, in one query."""
    if not case_ids:
        return {}
    rows = session.execute(select(Case.id, Case.tracking_code).where(Case.id.in_(case_ids)))
    return {case_id: code for case_id, code in rows}


def tracking_code_of(session: Session, case_id: int) -> str:
    """The tracking code of one case."""
    return session.get_one(Case, case_id).tracking_code


def case_of_task(session: Session, task: HumanTask) -> Case:
    """The case a task belongs to."""
    return session.get_one(Case, task.case_id)
