"""Petition triage (xử lý đơn, TT 05/2021/TT-TTCP): the service operators of petition_triage.bpmn and its checks.

* ``open_matter`` — every new petition opens its own matter (vụ việc);
* ``join_matter`` — a petition classified as a duplicate joins the matter named in ``duplicate_of``;
* ``record_guidance`` — the sender is guided once per matter (a second guidance is refused when the form is
  submitted, see ``check_triage_submission``);
* ``open_follow_up_case`` — an accepted complaint or denunciation starts a case of process ``complaint`` or
  ``denunciation`` with the intake data (receive_petition fields only, plus ``triage_case`` and ``matter_id``);
  the encrypted identity row is copied as it is (never decrypted), and both cases get an audit event.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.core.errors import Conflict, FieldError, InvalidFormData
from engine.core.models import Case
from engine.petitions.matters import (
    TRIAGE_PROCESS,
    check_guidance_allowed,
    join_matter,
    joinable_matter,
    open_matter,
    record_guidance,
)
from engine.processes.deployment import latest_definition

INTAKE_FORM = "receive_petition.schema.json"
FOLLOW_UP_PROCESSES = {"complaint": "complaint", "denunciation": "denunciation"}


class FollowUpNotDeployed(RuntimeError):
    """The follow-up process of an accepted petition is not deployed: the triage case stops in ``error``."""


def check_triage_submission(session: Session, case: Case, spec_name: str, form: str | None, data: dict) -> None:
    """Checks of triage forms that need the database: the duplicate's matter exists; guidance only once."""
    if case.process_key != TRIAGE_PROCESS:
        return
    if spec_name == "classify_petition" and data.get("classification") == "duplicate":
        if joinable_matter(session, case, data.get("duplicate_of")) is None:
            message = f"Vụ việc {data.get('duplicate_of')} không tồn tại trong các đơn vị của hồ sơ này"
            raise InvalidFormData(form or spec_name, [FieldError("duplicate_of", message)])
    if spec_name == "decide_jurisdiction" and data.get("decision") == "guide":
        try:
            check_guidance_allowed(session, case)
        except Conflict as exc:
            raise InvalidFormData(form or spec_name, [FieldError("decision", exc.message)]) from exc


def follow_up_data(intake_fields: set[str], data: dict, case: Case, matter_id: int | None) -> dict:
    """The intake data handed to the follow-up case: receive_petition fields (identity stays a marker)."""
    handed = {key: value for key, value in data.items() if key in intake_fields}
    handed["triage_case"] = case.tracking_code
    if data.get("anonymous"):
        handed["anonymous"] = True
    if matter_id is not None:
        handed["matter_id"] = matter_id
    return handed


def petition_operators(runtime, case: Case) -> dict[str, Callable[[dict, dict], object]]:
    """The operators of one triage case; they act in the runtime's transaction."""
    session: Session = runtime.session
    services = runtime.services

    def now() -> datetime:
        return services.clock.now()

    def open_matter_operator(data: dict, _params: dict) -> int:
        subject = given if isinstance(given := data.get("subject"), dict) else {}
        title = str(data.get("title") or case.title)
        return open_matter(session, case, title=title, subject_name=subject.get("name"), at=now()).id

    def join_matter_operator(data: dict, _params: dict) -> int:
        return join_matter(session, case, int(data["duplicate_of"])).id

    def record_guidance_operator(_data: dict, _params: dict) -> bool:
        record_guidance(session, case, now())
        return True

    def open_follow_up_case(data: dict, _params: dict) -> str:
        process_key = FOLLOW_UP_PROCESSES.get(str(data.get("classification")))
        if process_key is None:
            raise ValueError(f"classification '{data.get('classification')}' has no follow-up process")
        definition = latest_definition(session, process_key)
        if definition is None:
            raise FollowUpNotDeployed(
                f"Quy trình '{process_key}' chưa được triển khai: không mở được hồ sơ tiếp theo của đơn "
                f"{case.tracking_code}; triển khai quy trình rồi xử lý lại (dữ liệu đơn được giữ nguyên)"
            )
        fields = set(services.forms.schema(INTAKE_FORM).get("properties", {}))
        matter_id = session.scalar(select(Case.matter_id).where(Case.id == case.id))
        follow_up = runtime.start_follow_up_case(
            case, process_key=process_key, data=follow_up_data(fields, data, case, matter_id)
        )
        runtime.pending_events(case.id).append(
            {"kind": "follow_up_opened", "payload": {"process": process_key, "case": follow_up.tracking_code}}
        )
        return follow_up.tracking_code

    return {
        "open_matter": open_matter_operator,
        "join_matter": join_matter_operator,
        "record_guidance": record_guidance_operator,
        "open_follow_up_case": open_follow_up_case,
    }
