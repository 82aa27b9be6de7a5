"""The search: the newest matching cases in the actor's scope, ranked, with the matched words highlighted.

A search as people type must answer in well under a tenth of a second even when a word is in a large share of a
million cases ("đất đai"). So the database first takes the ``CANDIDATES`` newest cases that match every word
and pass the list's filters (both indexes walk their matches newest first and stop there), then ranks those:
matches in the tracking code count most, then the title, then the subject; the description only makes a case
match (ties: newest first). When the candidates run out the list says so (``capped``): more words narrow it.

SQLite ranks by counting the words FTS5 ``highlight()`` marks per column; PostgreSQL by ``ts_rank`` with the
same weights (code 1, title 0.2, subject 0.1, description 0). The titles and snippets of a page come from
``highlight()``/``snippet()`` and ``ts_headline``, escaped, with only the matched words in ``<mark>``.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, bindparam, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from engine.core.models import Case
from engine.search.postgresql import candidates, newest_matches, tsquery_text
from engine.search.schema import CONFIGURATION, DOCUMENTS_TABLE, FTS_TABLE
from engine.search.text import MARK_END, MARK_START, SearchQuery

CANDIDATES = 300
"""How many of the newest matching cases are ranked."""
WEIGHTS = (1.0, 0.2, 0.1, 0.0)
"""Weight of a match in the tracking code, the title, the subject and the description."""
SNIPPET_WORDS = 24


@dataclass(frozen=True)
class Ranked:
    """The ranked candidates of a search: (case id, score), best first; ``capped`` when there may be more."""

    hits: list[tuple[int, float]]
    capped: bool


@dataclass(frozen=True)
class Highlight:
    """One found case as shown: title, subject and a piece of the description, matched words in <mark>."""

    title_html: Markup
    subject_html: Markup
    snippet_html: Markup | None


def marked_html(marked: str) -> Markup:
    """Escape everything, then turn the databases' match markers into <mark> elements."""
    return Markup(str(escape(marked)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _sqlite_match(query: SearchQuery) -> str:
    words = [f'"{word}"' for word in query.words]
    if query.last_is_prefix:
        words[-1] += "*"
    return " ".join(words)


def _tsquery(query: SearchQuery) -> str:
    return tsquery_text(query.words, query.last_is_prefix)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def rank_cases(
    session: Session, query: SearchQuery, conditions: list[ColumnElement[bool]], units: Collection[int]
) -> Ranked:
    """The newest ``CANDIDATES`` cases of ``units`` matching ``query`` and ``conditions`` (on ``Case``), ranked.

    ``units`` must be the units ``conditions`` allow: PostgreSQL's index narrows the matches to them itself.
    """
    if _is_sqlite(session):
        statement = _sqlite_candidates(query).where(*conditions).limit(CANDIDATES)
        rows = [(row[0], _sqlite_score(row[1:])) for row in session.execute(statement)]
        capped = len(rows) >= CANDIDATES
    else:
        rows, capped = newest_matches(session, query, conditions, units, limit=CANDIDATES, weights=WEIGHTS)
    rows.sort(key=lambda row: (-row[1], -row[0]))
    return Ranked(hits=rows, capped=capped)


def candidates_statement(dialect: str, query: SearchQuery, units: Collection[int]):
    """The candidates' statement of ``dialect`` before the list's conditions and the limit (for the bench's plan)."""
    return _sqlite_candidates(query) if dialect == "sqlite" else candidates(query, WEIGHTS, units)


def _sqlite_score(marked_columns: tuple) -> float:
    """The weighted number of matched words in each column (each marked once by ``highlight()``)."""
    return sum(
        weight * (marked or "").count(MARK_START)
        for weight, marked in zip([w for w in WEIGHTS if w], marked_columns, strict=True)
    )


def _sqlite_candidates(query: SearchQuery):
    fts: ColumnElement = literal_column(FTS_TABLE)
    rowid: ColumnElement = literal_column(f"{FTS_TABLE}.rowid")
    marked = [func.highlight(fts, column, MARK_START, "") for column, weight in enumerate(WEIGHTS) if weight]
    return (
        select(Case.id, *marked)
        .select_from(table(FTS_TABLE))
        .join(Case, Case.id == rowid)
        .where(fts.op("MATCH")(bindparam("match", _sqlite_match(query))))
        .order_by(rowid.desc())
    )


SQLITE_HIGHLIGHTS = text(
    f"SELECT rowid, highlight({FTS_TABLE}, 1, :start, :end), highlight({FTS_TABLE}, 2, :start, :end), "
    f"snippet({FTS_TABLE}, 3, :start, :end, '…', {SNIPPET_WORDS}) FROM {FTS_TABLE} "
    f"WHERE {FTS_TABLE} MATCH :match AND rowid = :case_id"
)
"""One case at a time: FTS5 seeks a rowid it is given by ``=``, but reads every match to filter an ``IN`` list."""
_MARKS = f"StartSel={MARK_START}, StopSel={MARK_END}"
# PostgreSQL's parser reads "<…>" as an HTML tag and never marks words inside it: the angle brackets are hidden
# from it as two control characters (``clean`` keeps them out of indexed text) and put back afterwards.
_HIDE_TAGS = "translate({}, '<>', chr(4) || chr(5))"
_SHOW_TAGS = str.maketrans("\x04\x05", "<>")
POSTGRESQL_HIGHLIGHTS = text(
    f"SELECT case_id, ts_headline('{CONFIGURATION}', {_HIDE_TAGS.format('title')}, q, :whole), "
    f"ts_headline('{CONFIGURATION}', {_HIDE_TAGS.format('subject')}, q, :whole), "
    f"ts_headline('{CONFIGURATION}', {_HIDE_TAGS.format('body')}, q, :piece) "
    f"FROM {DOCUMENTS_TABLE}, to_tsquery('{CONFIGURATION}', :tsquery) AS q WHERE case_id = ANY(:ids)"
)


def highlights(session: Session, query: SearchQuery, case_ids: list[int]) -> dict[int, Highlight]:
    """The highlighted title, subject and description snippet of each found case."""
    if not case_ids:
        return {}
    if _is_sqlite(session):
        params: dict[str, object] = {"start": MARK_START, "end": MARK_END, "match": _sqlite_match(query)}
        rows: Iterable[tuple] = [
            tuple(row)
            for case_id in case_ids
            if (row := session.execute(SQLITE_HIGHLIGHTS, {**params, "case_id": case_id}).first()) is not None
        ]
    else:
        params = {
            "tsquery": _tsquery(query), "ids": case_ids, "whole": f"HighlightAll=true, {_MARKS}",
            "piece": f"MaxWords={SNIPPET_WORDS}, MinWords=8, MaxFragments=2, FragmentDelimiter=\" … \", {_MARKS}",
        }  # fmt: skip
        rows = (
            tuple(value.translate(_SHOW_TAGS) if isinstance(value, str) else value for value in row)
            for row in session.execute(POSTGRESQL_HIGHLIGHTS, params)
        )
    return {
        case_id: Highlight(
            title_html=marked_html(title or ""),
            subject_html=marked_html(subject or ""),
            snippet_html=marked_html(snippet) if snippet and MARK_START in snippet else None,
        )
        for case_id, title, subject, snippet in rows
    }
