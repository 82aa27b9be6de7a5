"""The statistics record a case leaves behind: what the periodic reports count."""

from datetime import datetime

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.core.models import Case, CaseStatistic

STATISTICS_OPERATOR = "record_case_statistics"
STATISTICS_VARIABLE = "statistics_record"
RECORDED_FIELDS = (
    "source",
    "behaviour_group",
    "field",
    "screening",
    "violation",
    "party_sanction",
    "state_sanction",
    "channels",
    "published_on",
    "verification_deadline",
    "rework_round",
    "complex",
    "decision_result",
    "complaint_instance",
    "conclusion_result",
    "extension_count",
    "follow_up_result",
    "origin_process",
)


def record_case_statistics(data: dict, _params: dict) -> dict:
    """Service operator of the ``record_statistics`` task: pick the reportable fields of the case data."""
    return {name: data.get(name) for name in RECORDED_FIELDS if name in data}


def store_case_statistics(session: Session, case: Case, workflow: BpmnWorkflow, now: datetime) -> None:
    """Keep the statistics record the case's ``record_statistics`` task left (the last one; once per case)."""
    record = None
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        if STATISTICS_VARIABLE in task.data:
            record = task.data[STATISTICS_VARIABLE]
    if record is not None and session.get(CaseStatistic, case.id) is None:
        values = {"case_id": case.id, "unit_id": case.unit_id, "process_key": case.process_key}
        session.execute(insert(CaseStatistic.__table__).values(**values, record=record, recorded_at=now))
