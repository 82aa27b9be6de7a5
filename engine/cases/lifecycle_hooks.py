"""The check of the acceptance date written in a form: periods run from it, so it must be a real date.

The complaint and denunciation processes count their resolution period from the acceptance date the officer writes
(``accepted_on``), not from the moment the step is completed; a date in the future or before the case was received
is refused with a message naming the field.
"""

from sqlalchemy import select

from engine.cases.hooks import HOOKS, TaskSubmission
from engine.cases.legal_dates import check_decision_day, parse_day, receipt_day
from engine.core.models import AuditEvent

DECISION_DATE_FIELDS = ("accepted_on",)
"""Form fields holding the date written in a decision that a legal period runs from."""


@HOOKS.before_task_completed
def check_decision_dates(submission: TaskSubmission) -> None:
    """Refuse an acceptance date in the future or before the case was received."""
    fields = [name for name in DECISION_DATE_FIELDS if submission.data.get(name)]
    if not fields or submission.now is None or submission.zone is None:
        return
    started = select(AuditEvent.payload).where(AuditEvent.case_id == submission.case.id,
                                                AuditEvent.kind == "case_started")  # fmt: skip
    payload = submission.session.scalars(started.limit(1)).first() or {}
    intake = given if isinstance(given := payload.get("data"), dict) else {}
    receipt = receipt_day(submission.case, intake, submission.zone)
    for name in fields:
        day = parse_day(submission.data[name], field=name)
        check_decision_day(day, receipt=receipt, now=submission.now, zone=submission.zone, field=name)
