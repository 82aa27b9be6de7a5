"""Keeps a long case's workflow state bounded: earlier rounds of a loop are dropped once a later round passed them.

SpiffWorkflow keeps every task it ever ran: each round of a loop (a step sent back, a checklist done again) adds
its tasks to the tree, so the stored state, and the cost of loading and saving it, grow with every step. Only
what a later step or a feature still reads is kept:

* the *trunk* is the path from the root towards the open tasks (through the one child that still has open work;
  a node where the path forks stops it, so parallel branches and pending boundary events are never touched);
* a completed trunk task is *superseded* when a later completed task on the trunk has the same spec (the same
  step was done again later). A run of superseded tasks is cut out of the trunk, together with their finished side
  branches (a boundary event's join, cancelled timers), and the task after the run is hung under the one before.
  A task stays when dropping it would leave one of its steps with no completed task anywhere.

Every task keeps its own copy of the data, so no later step loses data. The set of completed steps stays the same
(the diagram's highlighting, the case migration's checks, the statistics and follow-up hooks read it), as do the
latest completion of each step, the open tasks, waiting timers, errors and subprocesses. The history of the case
is its audit trail (table ``audit_events``), not this tree.
"""

from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

DONE = TaskState.COMPLETED | TaskState.CANCELLED


def prune_superseded(workflow: BpmnWorkflow) -> int:
    """Drop the superseded rounds of the workflow and of its subprocesses; returns how many tasks were dropped."""
    protected = set(workflow.subprocesses)
    dropped = _prune_tree(workflow, protected)
    for subprocess in workflow.subprocesses.values():
        dropped += _prune_tree(subprocess, protected)
    return dropped


def _live(tree) -> set[UUID]:
    """The tasks with open (not completed or cancelled) work at or below them."""
    live: set[UUID] = set()
    for task in tree.tasks.values():
        if task.has_state(DONE):
            continue
        while task is not None and task.id not in live:
            live.add(task.id)
            task = task.parent
    return live


def _trunk(tree) -> list:
    """The path from the root through the only child that has open work (or the only child)."""
    live = _live(tree)
    node, trunk = tree.task_tree, []
    while node is not None:
        trunk.append(node)
        children = node.children
        open_children = [child for child in children if child.id in live]
        if len(open_children) == 1:
            node = open_children[0]
        elif len(children) == 1 and not open_children:
            node = children[0]
        else:
            node = None
    return trunk


def _side_tasks(task, successor) -> list:
    """The tasks under ``task`` outside the trunk (every branch but the one leading to ``successor``)."""
    found, stack = [], [child for child in task.children if child is not successor]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


def _repeats(tree) -> bool:
    """Whether some step was completed more than once (without that nothing can be superseded)."""
    seen: set[str] = set()
    for task in tree.tasks.values():
        if task.state == TaskState.COMPLETED:
            if task.task_spec.name in seen:
                return True
            seen.add(task.task_spec.name)
    return False


def _prune_tree(tree, protected: set[UUID]) -> int:
    if not _repeats(tree):
        return 0  # the common first pass through a process costs one scan
    trunk = _trunk(tree)
    done_later: set[str] = set()
    sides: dict[int, list] = {}
    for index in range(len(trunk) - 2, 0, -1):
        task = trunk[index]
        if task.state != TaskState.COMPLETED:
            continue
        if task.task_spec.name in done_later and _droppable(tree, task, trunk[index + 1], protected):
            sides[index] = _side_tasks(task, trunk[index + 1])
        done_later.add(task.task_spec.name)
    _keep_every_completed_step(tree, trunk, sides)
    dropped, index = 0, 1
    while index < len(trunk) - 1:
        if index not in sides:
            index += 1
            continue
        end = index
        while end + 1 in sides:
            end += 1
        dropped += _cut(tree, trunk[index - 1], trunk[index : end + 1], trunk[end + 1])
        index = end + 1
    return dropped


def _keep_every_completed_step(tree, trunk: list, sides: dict[int, list]) -> None:
    """Keep the trunk tasks whose dropping would leave a step with no completed task (a completed side task, e.g.
    a boundary event's join, whose step is completed nowhere else)."""
    while sides:
        gone = {t.id for index, side in sides.items() for t in (trunk[index], *side)}
        kept = {t.task_spec.name for t in tree.tasks.values() if t.state == TaskState.COMPLETED and t.id not in gone}
        lost = [
            index
            for index, side in sides.items()
            if any(t.state == TaskState.COMPLETED and t.task_spec.name not in kept for t in (trunk[index], *side))
        ]
        if not lost:
            return
        for index in lost:
            del sides[index]


def _droppable(tree, task, successor, protected: set[UUID]) -> bool:
    """A superseded task may go when nothing else needs it: not the last task run, no subprocess, its successor
    completed (it will not inherit data again), and no open work or subprocess in its side branches."""
    if task is getattr(tree, "last_task", None) or task.id in protected or successor.state != TaskState.COMPLETED:
        return False
    return all(t.id not in protected and t.has_state(DONE) for t in _side_tasks(task, successor))


def _cut(tree, before, run: list, after) -> int:
    """Remove ``run`` (and its side branches) from the trunk; ``after`` becomes a child of ``before``."""
    before.children = [after if child.id == run[0].id else child for child in before.children]
    after.parent = before
    dropped = 0
    for position, task in enumerate(run):
        successor = run[position + 1] if position + 1 < len(run) else after
        for gone in (task, *_side_tasks(task, successor)):
            del tree.tasks[gone.id]
            dropped += 1
    return dropped
