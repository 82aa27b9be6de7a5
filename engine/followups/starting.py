"""Which finished cases leave a decision or conclusion to follow up, and the follow-up case they start.

A complaint decision (first instance, once the window for a second instance has passed; second instance when it
is issued), a denunciation conclusion, and a 1374 conclusion that found a violation take effect when their case
ends at the end event named in ``TAKES_EFFECT_AT``. The observer in ``engine/followups/hooks.py`` then opens a
case of process ``decision_follow_up`` in the same unit and transaction, carrying what was decided. Its officer
records the result (done, partly done, not done) before its own deadline; reminders and escalation are the BPMN's
boundary timers, as on every other step. Nothing is started while that process is not deployed. The follow-up's
own history starts with the origin's tracking code in its data (the origin's chain is already written when the
observer runs, so it is left as it is).
"""

from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.processes.deployment import latest_definition

if TYPE_CHECKING:
    from engine.cases.runtime import CaseRuntime
    from engine.core.models import Case

FOLLOW_UP_PROCESS = "decision_follow_up"
TAKES_EFFECT_AT = {
    "complaint": "decision_in_force",
    "complaint_second_instance": "complaint_resolved",
    "denunciation": "denunciation_resolved",
    "report_1374": "report_completed",
}
"""The end event at which a process's decision or conclusion takes effect."""
CARRIED_FIELDS = ("title", "decision_number", "decided_on", "decision_result", "conclusion_result", "violation",
                  "summary")  # fmt: skip
"""What the follow-up carries of the decision (the fields of its start form ``decision_in_force.schema.json``)."""
FOLLOW_UP_RESULTS = ("done", "partly_done", "not_done")
"""The results a follow-up records (thực hiện xong / một phần / chưa thực hiện), as in its form."""


def ended_at(workflow: BpmnWorkflow) -> set[str]:
    """The ids of the end events the finished workflow reached."""
    return {task.task_spec.name for task in workflow.get_tasks(state=TaskState.COMPLETED)
            if isinstance(task.task_spec, EndEvent)}  # fmt: skip


def needs_follow_up(process_key: str, workflow: BpmnWorkflow, data: dict) -> bool:
    """Whether the case just finished with a decision or conclusion in force that must be carried out."""
    end = TAKES_EFFECT_AT.get(process_key)
    if end is None or end not in ended_at(workflow):
        return False
    return process_key != "report_1374" or data.get("violation") is True


def follow_up_data(origin: "Case", data: dict) -> dict:
    """The start data of the follow-up: the origin case and what it decided."""
    carried = {name: data[name] for name in CARRIED_FIELDS if data.get(name) is not None}
    carried.setdefault("title", origin.title)
    return {**carried, "origin_case": origin.tracking_code, "origin_process": origin.process_key}


def start_decision_follow_up(runtime: "CaseRuntime", origin: "Case", data: dict) -> "Case | None":
    """Open the follow-up case of ``origin`` (None when the follow-up process is not deployed)."""
    if latest_definition(runtime.session, FOLLOW_UP_PROCESS) is None:
        return None
    return runtime.start_follow_up_case(origin, process_key=FOLLOW_UP_PROCESS, data=follow_up_data(origin, data))
