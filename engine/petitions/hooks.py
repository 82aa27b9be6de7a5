"""The petitions' observers of case actions; importing this module registers them."""

from engine.cases.hooks import HOOKS, TaskSubmission
from engine.petitions.triage import check_triage_submission


@HOOKS.before_task_completed
def check_triage_forms(submission: TaskSubmission) -> None:
    """Triage forms that need the database: the duplicate's matter exists; the sender is guided only once."""
    task = submission.task
    check_triage_submission(submission.session, submission.case, task.spec_name, task.form, submission.data)
