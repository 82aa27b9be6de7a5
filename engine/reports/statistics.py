"""The statistics record a case leaves behind: what the periodic reports count."""

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
)


def record_case_statistics(data: dict, _params: dict) -> dict:
    """Service operator of the ``record_statistics`` task: pick the reportable fields of the case data."""
    return {name: data.get(name) for name in RECORDED_FIELDS if name in data}


SERVICE_OPERATORS = {STATISTICS_OPERATOR: record_case_statistics}
