"""Each petition's handling as the statutory report forms count it (kept in ``petition_handling``).

A petition is a ``petition_triage`` case. Its classification (complaint, denunciation, proposal, duplicate,
ineligible) and jurisdiction decision (accept: within jurisdiction; guide, transfer, file: not) come from its forms;
an accepted complaint or denunciation names the case that resolves it. The row follows every save of the case, so
the forms count with plain SQL, never by reading workflow states.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.models import Case, PetitionHandling
from engine.petitions.matters import TRIAGE_PROCESS


def keep_petition_handling(session: Session, case: Case, data: dict, now: datetime) -> None:
    """Record the classification, decision and resolving case of a triage case once it is classified."""
    if case.process_key != TRIAGE_PROCESS or not data.get("classification"):
        return
    classification, decision = str(data["classification"])[:16], data.get("decision")
    resolving_code = data.get("follow_up_case")
    resolving = None
    if isinstance(resolving_code, str):
        resolving = session.scalar(select(Case.id).where(Case.tracking_code == resolving_code))
    row = session.get(PetitionHandling, case.id)
    if row is None:
        row = PetitionHandling(case_id=case.id, unit_id=case.unit_id)
        session.add(row)
    row.classification = classification
    row.decision = str(decision)[:16] if decision else None
    row.resolving_case_id = resolving
    row.updated_at = now
    session.flush()
