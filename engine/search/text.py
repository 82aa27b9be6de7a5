"""What is searched and how text is normalised, the same way for what is indexed and what is typed.

Both backends fold case and diacritics themselves (SQLite FTS5 ``unicode61 remove_diacritics 2``, PostgreSQL
``unaccent``), but FTS5 keeps the Vietnamese "đ" (a letter of its own, not d with a mark), so ``fold`` maps
đ→d and Đ→D. It changes one character for one character, so positions in the folded text are positions in the
original, which the highlighting relies on.
"""

import re
import unicodedata
from dataclasses import dataclass

from engine.core.errors import BadRequest

MARK_START, MARK_END = "\x02", "\x03"
"""Markers the databases put around matched words; never present in indexed text (``clean`` removes them)."""
MAX_WORDS = 12
MAX_WORD_LENGTH = 64
BODY_LIMIT = 20_000
WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


def clean(text: str) -> str:
    """NFC text without control characters (and so without the highlight markers)."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """The text with đ→d and Đ→D, character for character."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class SearchDocument:
    """The searchable text of one case: its tracking code, title, subject and description."""

    code: str
    title: str
    subject: str
    body: str


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def document_of(tracking_code: str, title: str, data: dict) -> SearchDocument:
    """The searchable text of a case from its intake data.

    Title (``title``), description (``description`` of a 1374 report, ``content`` of a petition) and the subject
    (``subject``: name, position, unit). The reporter's or petitioner's identity is never indexed.
    """
    subject = data.get("subject")
    parts = [_text(subject.get(key)) for key in ("name", "position", "unit")] if isinstance(subject, dict) else []
    body = _text(data.get("description")) or _text(data.get("content"))
    return SearchDocument(
        code=clean(tracking_code),
        title=clean(_text(data.get("title")) or title),
        subject=clean(" · ".join(part for part in parts if part)),
        body=clean(body[:BODY_LIMIT]),
    )


@dataclass(frozen=True)
class SearchQuery:
    """What someone typed, as words: every word must appear, the last may be the beginning of one."""

    text: str
    words: tuple[str, ...]

    @property
    def last_is_prefix(self) -> bool:
        """The last word is matched as a beginning when it has two characters or more."""
        return len(self.words[-1]) >= 2


def parse_query(text: str) -> SearchQuery:
    """The words of a search (folded, lower case), or BadRequest when there is nothing to search for."""
    words = tuple(fold(word.lower())[:MAX_WORD_LENGTH] for word in WORD.findall(clean(text)))
    if not words:
        raise BadRequest(f"The search '{text[:50]}' has no letters or digits; type a word, a name or a tracking code")
    if len(words) > MAX_WORDS:
        raise BadRequest(f"The search has {len(words)} words; use at most {MAX_WORDS}")
    return SearchQuery(text=text, words=words)


def index_words(text: str) -> str:
    """The words of ``text`` separated by spaces (what PostgreSQL indexes: no e-mail or URL tokens)."""
    return " ".join(WORD.findall(fold(text)))
