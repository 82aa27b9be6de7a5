"""The notifications domain's case observers: new tasks and assignments tell their people, in the same transaction."""

from engine.cases.hooks import HOOKS, CaseSaved, TaskAssigned
from engine.notifications.events import notify_assignment, notify_new_tasks


@HOOKS.after_case_saved
def tell_the_people_of_new_tasks(saved: CaseSaved) -> None:
    """New task, assigned task or a step sent back: notify who must act."""
    notify_new_tasks(saved)


@HOOKS.after_task_assigned
def tell_the_new_assignee(assigned: TaskAssigned) -> None:
    """A task given to a named person: notify them."""
    notify_assignment(assigned)
