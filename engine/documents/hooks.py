"""The documents' case observer: completing a step issues the documents its task names, in its transaction."""

from engine.cases.hooks import HOOKS, TaskSubmission
from engine.documents.issuance import issue_step_documents


@HOOKS.before_task_completed
def issue_on_completion(submission: TaskSubmission) -> None:
    """Issue the step's documents; a damaged draft, a failed conversion or signature refuses the step."""
    if submission.actor is None or submission.services is None or not submission.services.issue_documents:
        return
    issue_step_documents(
        submission.session, submission.services, actor=submission.actor, case=submission.case,
        task=submission.task, data=submission.data,
    )  # fmt: skip
