"""Process drafts: diagrams saved from the modeler without deploying them."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import BadRequest, NotFound
from engine.core.models import ProcessDraft

MAX_DRAFT_BYTES = 5_000_000


def list_drafts(session: Session) -> list[ProcessDraft]:
    """Every draft, most recently saved first."""
    return list(session.scalars(select(ProcessDraft).order_by(ProcessDraft.updated_at.desc(), ProcessDraft.id.desc())))


def get_draft(session: Session, draft_id: int) -> ProcessDraft:
    """One draft, or NotFound naming it."""
    draft = session.get(ProcessDraft, draft_id)
    if draft is None:
        raise NotFound(f"Draft {draft_id} does not exist")
    return draft


def save_draft(
    session: Session,
    *,
    xml: str,
    name: str,
    saved_by: str,
    draft_id: int | None = None,
    process_key: str | None = None,
    based_on_version: int | None = None,
) -> ProcessDraft:
    """Create a draft, or update ``draft_id`` with new XML and name (its process and base version stay)."""
    if not xml.strip():
        raise BadRequest("A draft needs the BPMN XML of the diagram")
    if len(xml.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise BadRequest(f"The diagram is larger than {MAX_DRAFT_BYTES} bytes")
    name = (name or "").strip()[:255] or process_key or "Sơ đồ mới"
    now = datetime.now(UTC)
    if draft_id is not None:
        draft = get_draft(session, draft_id)
        draft.xml, draft.name, draft.updated_by, draft.updated_at = xml, name, saved_by, now
    else:
        draft = ProcessDraft(
            process_key=process_key, based_on_version=based_on_version, name=name, xml=xml, updated_by=saved_by,
            updated_at=now,
        )  # fmt: skip
        session.add(draft)
    session.flush()
    return draft


def delete_draft(session: Session, draft_id: int) -> None:
    """Delete a draft."""
    session.delete(get_draft(session, draft_id))
    session.flush()
