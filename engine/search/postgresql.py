"""PostgreSQL's search for the newest matches of a scope, bounded however common the words are.

The GIN index answers a query by reading the whole posting list of every word (and of every word a begun word
may become: "da" is "dat", "dai", "dan"…) and then every matching row of the scope, to order them by case id:
for a word in a third of a million cases that is a second. So the search reads the scope's newest cases one by
one first, in windows of case ids, and asks the index only when it can expect the index's work to be small:

1. The first window holds the ``WINDOW`` newest cases of the actor's scope (its width in case ids sized from
   the scope's share of the cases in the statistics). A common word fills the candidates there.
2. Otherwise, when the share of matches read so far promises the rest within ``READ_BUDGET`` cases and fewer
   rows than the index would return, the next cases are read the same way. Else the GIN index finds the older
   matches when it can be expected to do little: it reads the whole posting list of each word it is given, so
   its condition holds only the typed words in at most ``INDEX_POSTINGS`` cases by PostgreSQL's statistics
   (a begun word counts the cases of every lexeme it may become), the whole query is checked on each row it
   returns, and the rows it should return (the scope's cases times those words' shares, and the share of
   matches read so far) are at most ``INDEX_ROWS``.
3. Otherwise the words are too common for the index: the scope's older cases are read one by one, up to
   ``READ_BUDGET`` of them, and the matches found so far are the candidates, newest first; the list says there
   may be more ("gõ thêm từ để thu hẹp"). When none was found there, the index is asked all the same: "no
   match" must be true.

Without statistics (a small or new database) every word counts as rare and the index answers, as before.
"""

import math
import unicodedata
from collections.abc import Collection, Sequence

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Float,
    FromClause,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from engine.core.models import Case
from engine.search.schema import CONFIGURATION, DOCUMENTS_TABLE, VECTOR_COLUMN
from engine.search.text import SearchQuery

WINDOW = 2_000
"""How many of the newest cases of the actor's scope a search reads one by one first."""
READ_BUDGET = 8_000
"""At most how many cases of the scope a search of only common words reads one by one."""
INDEX_ROWS = 10_000
"""At most how many rows the GIN index may be expected to return for it to be asked (an upper bound: a word the
statistics leave out is in fewer cases than the least common one they list)."""
INDEX_POSTINGS = 60_000
"""At most how many cases a word given to the index may be in (its whole posting list is read)."""
GIN_UNITS = 2
"""Up to how many units the index's own unit column narrows the matches (one index scan per unit)."""

_DOCUMENTS = table(DOCUMENTS_TABLE, column("case_id"), column("unit_id"), column(VECTOR_COLUMN))
_UNIT_STATISTICS = text(
    "SELECT most_common_vals::text, most_common_freqs, n_distinct FROM pg_stats "
    f"WHERE tablename = '{DOCUMENTS_TABLE}' AND attname = 'unit_id'"
)
_LEXEME_STATISTICS = text(
    "SELECT u.lexeme, u.share FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) "
    f"AS u(lexeme, share) WHERE tablename = '{DOCUMENTS_TABLE}' AND attname = '{VECTOR_COLUMN}' "
    "AND u.lexeme IS NOT NULL"
)


def tsquery_text(words: Sequence[str], last_is_prefix: bool) -> str:
    """The ``to_tsquery`` text of words that must all appear, the last one begun when ``last_is_prefix``."""
    quoted = [f"'{word}'" for word in words]
    if last_is_prefix and quoted:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def newest_matches(
    session: Session,
    query: SearchQuery,
    conditions: list[ColumnElement[bool]],
    units: Collection[int],
    *,
    limit: int,
    weights: Sequence[float],
) -> tuple[list[tuple[int, float]], bool]:
    """Up to ``limit`` newest matches of ``units`` as (case id, ts_rank), and whether there may be more."""
    newest = session.scalar(select(func.max(_DOCUMENTS.c.case_id)))
    if newest is None:
        return [], False
    share = _scope_share(session, units)
    low = newest - math.ceil(WINDOW / share) - 1
    rows = _run(session, candidates(query, weights, units, window=(low, newest)), conditions, limit)
    if len(rows) >= limit or low <= 0:
        return rows, len(rows) >= limit
    returned_share = share if len(units) <= GIN_UNITS else 1.0
    asked, expected_rows = _index_words(session, query, newest, returned_share)
    read, high = float(WINDOW), low
    while True:
        index_rows = max(expected_rows, len(rows) / read * newest * returned_share)  # also the share read
        index_answers = asked is not None and index_rows <= INDEX_ROWS
        to_read = (limit - len(rows)) * read / len(rows) * 1.3 if rows else math.inf  # cases to fill the limit
        if not (read + to_read <= READ_BUDGET and to_read <= index_rows) and (index_answers or read >= READ_BUDGET):
            break
        step = min(max(to_read, WINDOW / 4), READ_BUDGET - read)
        older = (high - math.ceil(step / share), high)
        rows += _run(session, candidates(query, weights, units, window=older), conditions, limit - len(rows))
        read, high = read + step, older[0]
        if len(rows) >= limit or high <= 0:
            return rows, len(rows) >= limit
    if index_answers or not rows:  # no match among the newest cases: the index tells whether there is any
        return _rest_through_the_index(session, query, weights, units, conditions, rows, limit, high, asked)
    return rows, True


def _rest_through_the_index(
    session: Session,
    query: SearchQuery,
    weights: Sequence[float],
    units: Collection[int],
    conditions: list[ColumnElement[bool]],
    rows: list[tuple[int, float]],
    limit: int,
    below: int,
    asked: str | None,
) -> tuple[list[tuple[int, float]], bool]:
    statement = candidates(query, weights, units, below=below, index_words=asked)
    rows = rows + _run(session, statement, conditions, limit - len(rows))
    return rows, len(rows) >= limit


def _run(session: Session, statement, conditions: list[ColumnElement[bool]], limit: int) -> list[tuple[int, float]]:
    return [(case_id, float(score)) for case_id, score in session.execute(statement.where(*conditions).limit(limit))]


def _scope_share(session: Session, units: Collection[int]) -> float:
    """The share of the indexed cases that lie in ``units``, from the statistics (1 without them)."""
    row = session.execute(_UNIT_STATISTICS).first()
    if row is None or row[0] is None:
        return 1.0
    common = dict(zip((int(value) for value in row[0].strip("{}").split(",")), row[1], strict=True))
    distinct = row[2] if row[2] > 0 else len(common)
    rest = max(0.0, 1.0 - sum(common.values())) / max(distinct - len(common), 1)
    return min(1.0, max(sum(common.get(unit, rest) for unit in units), 1e-4))


def _index_words(session: Session, query: SearchQuery, cases: int, scope_share: float) -> tuple[str | None, float]:
    """The tsquery the GIN index is given, and how many rows it should return by the statistics.

    The index reads the whole posting list of every word it is given (of every lexeme a begun word may become),
    so it is given only the typed words in at most ``INDEX_POSTINGS`` cases (a word the statistics leave out
    counts as the least common they list); the others are checked on each row it returns. The rows expected
    are the scope's cases times the given words' shares. None when every word is common. Without statistics
    the whole query, expecting nothing.
    """
    shares: dict[str, float] = {lexeme: share for lexeme, share in session.execute(_LEXEME_STATISTICS)}
    if not shares:
        return tsquery_text(query.words, query.last_is_prefix), 0.0
    floor = min(shares.values())
    words = [_unaccented(word) for word in query.words]
    share_of = {word: shares.get(word, floor) for word in words}
    if query.last_is_prefix:
        share_of[words[-1]] = sum(share for lexeme, share in shares.items() if lexeme.startswith(words[-1])) or floor
    asked = [word for word in words if share_of[word] * cases <= INDEX_POSTINGS]
    if not asked:
        return None, math.inf
    begun = query.last_is_prefix and asked[-1] == words[-1]
    expected = cases * scope_share * math.prod(share_of[word] for word in asked)
    return tsquery_text(asked, begun), expected


def _unaccented(word: str) -> str:
    """The word as the statistics list it: without diacritics, as ``unaccent`` indexes it."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def candidates(
    query: SearchQuery,
    weights: Sequence[float],
    units: Collection[int],
    *,
    window: tuple[int, int] | None = None,
    below: int | None = None,
    index_words: str | None = None,
):
    """The statement of the matches of ``units``, newest first, scored (before the list's conditions and limit).

    With ``window`` (low, high]: the cases of those ids are read one by one (an ``OFFSET 0`` subquery keeps the
    word condition out of their scan). Otherwise through the GIN index, for the cases below ``below`` when
    given, with ``index_words`` as the index condition when given (the whole query is checked on every row).
    """
    whole = func.to_tsquery(literal_column(f"'{CONFIGURATION}'"), bindparam("tsquery", tsquery_text(
        query.words, query.last_is_prefix)))  # fmt: skip
    in_units = _DOCUMENTS.c.unit_id.in_(sorted(units))
    source: FromClause
    matching: list[ColumnElement[bool]]
    if window is not None:
        low, high = window
        bounds = [_DOCUMENTS.c.case_id <= high] + ([_DOCUMENTS.c.case_id > low] if low > 0 else [])
        source = select(_DOCUMENTS).where(in_units, *bounds).offset(0).subquery("d")
        matching = [source.c[VECTOR_COLUMN].op("@@")(whole)]
    else:
        source = _DOCUMENTS.alias("d")
        vector: ColumnElement = source.c[VECTOR_COLUMN]
        matching = [source.c.case_id <= below] if below is not None else []
        if len(units) <= GIN_UNITS:
            matching.append(source.c.unit_id.in_(sorted(units)))
        if index_words is None:
            matching.append(vector.op("@@")(whole))
        else:
            narrow = func.to_tsquery(literal_column(f"'{CONFIGURATION}'"), bindparam("index_words", index_words))
            # ts_match_vq is the @@ operator's function: a call, so the planner keeps it out of the index condition
            matching += [vector.op("@@")(narrow), func.ts_match_vq(vector, whole, type_=Boolean)]
    vector = source.c[VECTOR_COLUMN]
    weighted: ColumnElement = literal_column("'{" + ",".join(str(w) for w in reversed(weights)) + "}'::float4[]")
    return (
        select(Case.id, func.ts_rank(weighted, vector, whole, type_=Float))
        .select_from(source)
        .join(Case, Case.id == source.c.case_id)
        .where(*matching)
        .order_by(source.c.case_id.desc())
    )
