"""Read-side queries: case lists, inboxes, histories. Every query is scoped to the units the actor can see."""

from dataclasses import dataclass
from dataclasses import field as default
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy import case as case_when
from sqlalchemy.orm import Session

from engine.cases.enums import CaseStatus, TaskStatus
from engine.cases.store import CaseStore
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
    """The READY tasks of a case, oldest first (detached rows, read without the ORM's entity loading)."""
    return CaseStore(session).open_tasks(case_id)


INBOX_SORTS = ("deadline", "code", "title", "step", "received", "assignee")
"""The columns the inbox can be sorted by; ``deadline`` (soonest first, no deadline last) is the default."""
INBOX_ORDERS = ("asc", "desc")
INBOX_TABS = ("all", "mine", "group", "overdue", "week")
"""The inbox tabs: every open task of mine or my group's, mine, my group's, overdue, due within a week."""
WEEK = timedelta(days=7)
CASE_SORTS = ("code", "title", "received")
"""The inbox sorts by a column of the case: only these (and a search or a process filter) join ``cases``."""


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


@dataclass
class InboxFilters:
    """What narrows the inbox beyond the search: a tab's conditions, a process, a case."""

    assigned: str | None = None
    overdue: bool = False
    due_before: datetime | None = None
    process: str | None = None
    case_id: int | None = None

    def narrows(self) -> bool:
        """Whether a page lists fewer tasks than the "all" tab with the same search."""
        return bool(self.assigned or self.overdue or self.due_before or self.process or self.case_id is not None)


def _overdue(now: datetime) -> ColumnElement[bool]:
    """A task whose deadline has passed (the "overdue" tab)."""
    return HumanTask.due_at < now


def _due_between(now: datetime, before: datetime) -> ColumnElement[bool]:
    """A task due from ``now`` until ``before`` (the "week" tab: before = now + a week)."""
    return (HumanTask.due_at >= now) & (HumanTask.due_at < before)


def _inbox_query(actor: Actor, *, now: datetime, filters: InboxFilters, q: str | None, with_case: bool) -> Select:
    """Open tasks of the actor (assigned to them, or open to their role in their units), searched and filtered.

    The tasks are joined to their case only to search (``q``), to filter by process, or when ``with_case`` asks
    for it (a sort on a case column): without the join, the tasks are read through ``ix_human_tasks_inbox`` alone.
    """
    if filters.assigned not in (None, "me", "group"):
        raise BadRequest("assigned must be 'me' or 'group'")
    mine, group = _mine(actor), _group(actor)
    condition = mine if filters.assigned == "me" else group if filters.assigned == "group" else (mine | group)
    query = select(HumanTask).where(HumanTask.state == TaskStatus.READY, condition)
    if filters.overdue:
        query = query.where(HumanTask.due_at.is_not(None), _overdue(now))
    if filters.due_before is not None:
        query = query.where(HumanTask.due_at.is_not(None), _due_between(now, filters.due_before))
    if filters.case_id is not None:
        query = query.where(HumanTask.case_id == filters.case_id)
    searched = bool(q and q.strip())
    if searched or with_case or filters.process:
        query = query.join(Case, Case.id == HumanTask.case_id)
    if filters.process:
        query = query.where(Case.process_key == filters.process)
    if q and searched:
        pattern = contains_pattern(q.strip())
        columns = (Case.tracking_code, Case.title, Case.subject_name, HumanTask.name)
        query = query.where(or_(*(column.ilike(pattern, escape=LIKE_ESCAPE) for column in columns)))
    return query


def _tab_counts(actor: Actor, now: datetime) -> dict[str, ColumnElement[int]]:
    """The count of the actor's open tasks in each inbox tab, by tab name (``count(CASE WHEN tab THEN 1 END)``)."""
    tabs: dict[str, ColumnElement[bool] | None] = {
        "all": None,
        "mine": _mine(actor),
        "group": _group(actor),
        "overdue": _overdue(now),
        "week": _due_between(now, now + WEEK),
    }
    return {name: func.count() if tab is None else func.count(case_when((tab, 1))) for name, tab in tabs.items()}


def _inbox_order(sort: str, order: str) -> list:
    """The ORDER BY of an inbox sort: the chosen column, empty values last, then oldest task first."""
    _check_choice("sort", sort, INBOX_SORTS)
    _check_choice("order", order, INBOX_ORDERS)
    column = {
        "deadline": HumanTask.due_at,
        "code": Case.tracking_code,
        "title": Case.title,
        "step": HumanTask.name,
        "received": Case.created_at,
        "assignee": HumanTask.assignee,
    }[sort]
    directed = column.desc() if order == "desc" else column.asc()
    return [column.is_(None), directed, HumanTask.created_at, HumanTask.id]


@dataclass
class InboxPage(Page):
    """One page of the inbox, and how many open tasks each tab holds with the same search (by tab name)."""

    counts: dict[str, int] = default(default_factory=dict)


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
    with_counts: bool = True,
) -> InboxPage:
    """The actor's open tasks: assigned to them, or unassigned for their role in their units; with the tab counts.

    ``q`` finds words of the tracking code, case title, subject or step name (case-insensitive); ``sort`` is
    one of ``INBOX_SORTS`` and ``order`` ``asc`` or ``desc``; tasks without the sorted value come last.
    ``counts`` (with ``with_counts``) holds how many tasks each of ``INBOX_TABS`` holds with the same ``q``, not
    narrowed by the other filters. The inbox's sorts read all the page's rows anyway, so the page's statement
    counts them as a window (``count(*) OVER ()``), and when the page lists the "all" tab it counts every tab
    the same way: one statement. A narrower page has its tabs counted apart (``inbox_counts``), and so has an
    empty page, which has no row to carry the counts.
    """
    _check_page(page, page_size)
    order_by = _inbox_order(sort, order)
    filters = InboxFilters(assigned, overdue, due_before, process, case_id)
    listed = _inbox_query(actor, now=now, filters=filters, q=q, with_case=sort in CASE_SORTS)
    counted_over = with_counts and not filters.narrows()
    windows = (
        [count.over().label(f"tab_{name}") for name, count in _tab_counts(actor, now).items()] if counted_over else []
    )
    statement = (
        listed.add_columns(func.count().over().label("total"), *windows)
        .order_by(*order_by)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = session.execute(statement).all()
    if rows:
        items, total = [row[0] for row in rows], rows[0].total
    else:
        items, total = [], 0 if page == 1 else session.scalar(select(func.count()).select_from(listed.subquery()))
    counts: dict[str, int] = {}
    if counted_over and rows:
        counts = {name: int(getattr(rows[0], f"tab_{name}")) for name in INBOX_TABS}
    elif with_counts:
        counts = inbox_counts(session, actor, now=now, q=q)
    return InboxPage(items=items, total=total or 0, page=page, page_size=page_size, counts=counts)


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

    One query over the actor's open tasks counts every tab at once (``count(CASE WHEN tab THEN 1 END)``).
    """
    counts = _tab_counts(actor, now)
    query = _inbox_query(actor, now=now, filters=InboxFilters(), q=q, with_case=False)
    row = session.execute(query.with_only_columns(*counts.values())).one()
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
