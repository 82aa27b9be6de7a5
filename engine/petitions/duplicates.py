"""Likely duplicates of a petition: other petitions of the same unit subtree, ranked by title and subject.

Text is compared without diacritics (Vietnamese "Đất đai" = "dat dai"), as token-set Jaccard similarity of the
titles plus a bonus when the subject (the person or body petitioned about) has the same name.
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.core.models import Case, Unit
from engine.petitions.matters import TRIAGE_PROCESS, petitions_per_matter

TEXT_WEIGHT = 0.7
SUBJECT_BONUS = 0.3
MIN_SCORE = 0.2
SCANNED = 500  # the newest petitions of the subtree looked at
STOP_WORDS = frozenset({"va", "cua", "cac", "nhung", "ve", "la", "co", "khong", "don", "viec", "the", "cho", "tai"})


def normalize(text: str | None) -> str:
    """Lower case, without diacritics, đ → d, single spaces."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()
    return " ".join(re.findall(r"\w+", plain))


def tokens(text: str | None) -> frozenset[str]:
    """The distinct words of a normalized text, without the commonest function words."""
    return frozenset(word for word in normalize(text).split() if word not in STOP_WORDS)


def similarity(a: str | None, b: str | None) -> float:
    """Token-set Jaccard similarity of two texts (0 … 1)."""
    left, right = tokens(a), tokens(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass(frozen=True)
class DuplicateCandidate:
    """A petition that may be about the same thing, with the matter it belongs to."""

    case_id: int
    tracking_code: str
    title: str
    subject_name: str | None
    matter_id: int | None
    matter_petitions: int
    score: float
    same_subject: bool


def duplicate_candidates(
    session: Session, case: Case, *, limit: int = 5, process_key: str = TRIAGE_PROCESS
) -> list[DuplicateCandidate]:
    """Up to ``limit`` petitions (or cases of ``process_key``) of the case's unit subtree and above most like it."""
    unit = session.get_one(Unit, case.unit_id)
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part]
    related_units = select(Unit.id).where(or_(Unit.path.startswith(unit.path), Unit.id.in_(ancestors)))
    query = select(Case).where(Case.process_key == process_key, Case.id != case.id, Case.unit_id.in_(related_units))
    if case.matter_id is not None:  # petitions already in the same matter are not suggested again
        query = query.where(or_(Case.matter_id.is_(None), Case.matter_id != case.matter_id))
    rows = list(session.scalars(query.order_by(Case.created_at.desc()).limit(SCANNED)))
    matter_ids = list({other.matter_id for other in rows if other.matter_id})
    petitions = petitions_per_matter(session, matter_ids, process_key=process_key)
    subject = normalize(case.subject_name)
    found = []
    for other in rows:
        same_subject = bool(subject) and normalize(other.subject_name) == subject
        score = TEXT_WEIGHT * similarity(case.title, other.title) + (SUBJECT_BONUS if same_subject else 0.0)
        if score >= MIN_SCORE:
            found.append(
                DuplicateCandidate(
                    case_id=other.id,
                    tracking_code=other.tracking_code,
                    title=other.title,
                    subject_name=other.subject_name,
                    matter_id=other.matter_id,
                    matter_petitions=petitions.get(other.matter_id, 0) if other.matter_id is not None else 0,
                    score=round(score, 3),
                    same_subject=same_subject,
                )  # fmt: skip
            )
    found.sort(key=lambda c: (-c.score, c.case_id))
    return found[:limit]
