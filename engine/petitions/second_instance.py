"""Second-instance complaints (khiếu nại lần hai, Luật Khiếu nại 2011 Điều 33, 36-37).

When the complainant disagrees with the first-instance decision within the window, the first case's service task
``start_second_instance`` opens a case of process ``complaint_second_instance``. The new case carries the intake
data, the first decision and the request, and the encrypted identity row of the first case (copied as ciphertext,
never decrypted). Both cases name each other in their data and in their audit trails.
"""

from typing import TYPE_CHECKING

from engine.cases.audit import AuditTrail

if TYPE_CHECKING:
    from engine.cases.runtime import CaseRuntime
    from engine.core.models import Case

SECOND_INSTANCE_PROCESS = "complaint_second_instance"
INTAKE_FORM = "receive_petition.schema.json"
FIRST_DECISION_FIELDS = ("decision_number", "decided_on", "decision_result", "summary")
REQUEST_FIELDS = ("requested_on", "request_reason")


def second_instance_data(first: "Case", data: dict, intake_fields: set[str]) -> dict:
    """The start data of the second instance: intake fields, the first decision and the request."""
    carried = {name: value for name, value in data.items() if name in intake_fields or name == "anonymous"}
    return {
        **carried,
        "first_instance_case": first.tracking_code,
        "first_instance_decision": {name: data.get(name) for name in FIRST_DECISION_FIELDS if name in data},
        "second_instance_request": {name: data.get(name) for name in REQUEST_FIELDS if name in data},
    }


def start_second_instance(runtime: "CaseRuntime", first: "Case", data: dict, params: dict) -> dict:
    """Open the second-instance case of ``first`` (process ``params['process_key']`` or the default one)."""
    process_key = str(params.get("process_key") or SECOND_INSTANCE_PROCESS)
    intake_fields = set(runtime.services.forms.schema(INTAKE_FORM).get("properties", {}))
    start_data = second_instance_data(first, data, intake_fields)
    second = runtime.start_follow_up_case(first, process_key=process_key, data=start_data)
    trail = AuditTrail(runtime.session, first)
    payload = {"case": second.tracking_code, "process": process_key}
    trail.append(kind="second_instance_started", actor="system", at=runtime.services.clock.now(), payload=payload)
    trail.write()
    return {"case_id": second.id, "tracking_code": second.tracking_code}
