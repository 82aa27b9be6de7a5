"""The reception desk over JSON: register a written petition or a citizen's visit, read the visits register.

Who is asking: a signed-in officer, team lead or supervisor registers (the custodian also reads the register);
the role check (``engine.petitions.reception``) runs before the body is read, and again in the use case, the same
function as on the reception pages.
The register over the API is always redacted: revealing identities is an audited page action only.
Scanned petitions are uploaded on the reception page (or as attachments of the case afterwards).
"""

from fastapi import APIRouter

from api.deps import AppSettings, DbSession, ReceptionDesk, RegisterReader, Services, commit
from api.intake_schemas import RegisteredOut, RegistrationIn, RevealedVisitOut, VisitOut
from api.schemas import COMMON_RESPONSES, ErrorOut, ValidationErrorOut
from engine.core.models import Case
from engine.petitions.registration import VisitEntry, register_petition, register_visit, visits_register

router = APIRouter(tags=["reception"], responses=COMMON_RESPONSES)
ERRORS: dict[int | str, dict] = {
    403: {"model": ErrorOut, "description": "Not a reception desk role, or not your unit"},
    422: {"model": ValidationErrorOut, "description": "The register form's fields that are wrong"},
}


def _registered(case: Case) -> RegisteredOut:
    return RegisteredOut(id=case.id, tracking_code=case.tracking_code, status=case.status)


@router.post("/api/petitions", response_model=RegisteredOut, status_code=201, responses=ERRORS)
def register_written_petition(
    body: RegistrationIn, session: DbSession, services: Services, settings: AppSettings, actor: ReceptionDesk
) -> RegisteredOut:
    """Register a petition received by post or forwarded by another body (the written register form)."""
    case = register_petition(
        session, services, actor, form="written", register=body.data, unit_id=body.unit_id,
        max_bytes=settings.max_attachment_bytes,
    )  # fmt: skip
    commit(session)
    return _registered(case)


@router.post("/api/reception/visits", response_model=RegisteredOut, status_code=201, responses=ERRORS)
def register_citizen_visit(
    body: RegistrationIn, session: DbSession, services: Services, settings: AppSettings, actor: ReceptionDesk
) -> RegisteredOut:
    """Register a citizen's visit to the reception desk (the visit register form); it starts a triage case."""
    case = register_visit(
        session, services, actor, register=body.data, unit_id=body.unit_id, max_bytes=settings.max_attachment_bytes
    )
    commit(session)
    return _registered(case)


def _visit(entry: VisitEntry) -> dict:
    return {
        "case_id": entry.case.id, "tracking_code": entry.case.tracking_code, "received_on": entry.received_on,
        "registered_at": entry.case.created_at, "title": entry.case.title,
        "kind_claimed": entry.data.get("kind_claimed"), "field": entry.data.get("field"),
        "number_of_people": int(entry.data.get("number_of_people") or 1),
        "previously_handled_by": entry.data.get("previously_handled_by"),
        "identity_protected": entry.identity_protected,
    }  # fmt: skip


@router.get("/api/reception/visits", response_model=list[VisitOut], responses={403: ERRORS[403]})
def read_visits_register(session: DbSession, services: Services, actor: RegisterReader) -> list[VisitOut]:
    """The visits register (sổ tiếp công dân) of your units, newest first, with identities redacted."""
    return [VisitOut(**_visit(entry)) for entry in visits_register(session, services, actor, reveal=False)]


@router.post("/api/reception/visits/revealed", response_model=list[RevealedVisitOut], responses={403: ERRORS[403]})
def reveal_visits_register(session: DbSession, services: Services, actor: RegisterReader) -> list[RevealedVisitOut]:
    """The register with the petitioners' identities, for the resolver and custodians; each case read is audited."""
    entries = visits_register(session, services, actor, reveal=True)
    commit(session)
    return [
        RevealedVisitOut(**_visit(entry), name=entry.name, address=entry.address, id_number=entry.id_number)
        for entry in entries
    ]
