"""Filing on the public portal: a citizen files a 1374 report or a petition without signing in.

One use case, shared by the portal page and the JSON API: count the request against the client address's rate
limit, check the spam guard (honeypot and signed single-use form token), check the upload's size, validate the
start form, start the case (the runtime splits the protected identity off the case data), store the optional
upload encrypted as an identity-bearing attachment and issue the tracking secret, shown once.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.attachments import attach_file
from engine.cases.runtime import CaseRuntime
from engine.cases.uploads import Upload
from engine.core.errors import DomainError, FieldError, InvalidFormData, PayloadTooLarge
from engine.core.models import Case, Unit
from engine.core.settings import Settings
from engine.portal.guard import RateLimit, SpamGuard, TokenRules, check_portal_form, count_portal_request
from engine.portal.notifications import PUBLIC_FILER
from engine.portal.service import issue_access_secret
from engine.processes.deployment import latest_definition
from engine.services import EngineServices

MAX_RELATIVES = 20


@dataclass(frozen=True)
class PortalForm:
    """A start form as the portal offers it: which process, which fields stay internal, which are fixed."""

    slug: str
    process_key: str
    hidden: frozenset[str]
    fixed: dict = field(default_factory=dict)
    takes_relatives: bool = False


REPORT = PortalForm(
    slug="phan-anh", process_key="report_1374",
    hidden=frozenset({"source", "received_on", "press_article"}), fixed={"source": "people"},
)  # fmt: skip
PETITION = PortalForm(
    slug="gui-don", process_key="petition_triage",
    # relatives is a list of people: the page asks for them in a plain text box, one per line (relatives_from_text)
    hidden=frozenset({"channel", "received_on", "forwarded_by", "triage_case", "matter_id", "relatives"}),
    fixed={"channel": "portal"}, takes_relatives=True,
)  # fmt: skip
PORTAL_FORMS = {"report": REPORT, "petition": PETITION}
"""The portal's start forms by their API name."""


class PortalFormUnavailable(DomainError):
    """The process behind a portal form is not deployed (or has no start form)."""

    def __init__(self, form: PortalForm) -> None:
        super().__init__(
            f"The portal form '{form.slug}' is not available: process '{form.process_key}' is not deployed"
        )
        self.form = form


@dataclass(frozen=True)
class FiledCase:
    """A case filed on the portal, with its tracking secret (shown to the citizen once, stored only hashed)."""

    case: Case
    tracking_code: str
    secret: str


def filing_rule(settings: Settings) -> RateLimit:
    """The per-address rate limit of filings."""
    return RateLimit(
        action="file", limit=settings.portal_filing_limit, window_seconds=settings.portal_filing_window_seconds
    )


def portal_start_schema(session: Session, services: EngineServices, form: PortalForm) -> dict | None:
    """The start form without the internal and read-only fields, or None when the process is not deployed."""
    definition = latest_definition(session, form.process_key)
    if definition is None or not definition.catalog.get("start_form"):
        return None
    schema = services.forms.schema(definition.catalog["start_form"])
    properties = {
        name: prop
        for name, prop in schema.get("properties", {}).items()
        if name not in form.hidden and not prop.get("readOnly")
    }
    required = [name for name in schema.get("required", []) if name in properties]
    return {**schema, "properties": properties, "required": required}


UNIT_FIELD = "unit_id"
UNIT_MISSING = "Chọn cơ quan, đơn vị nhận (quận, huyện, phường, xã)"


def receiving_units(session: Session) -> list[Unit]:
    """The units a citizen may address (not retired), in tree order."""
    return list(session.scalars(select(Unit).where(Unit.retired_at.is_(None)).order_by(Unit.path, Unit.id)))


def relatives_from_text(text: object) -> list[dict]:
    """Relatives named in a petition, one per line as "name, relationship"; protected like the petitioner."""
    relatives = []
    for line in str(text or "").splitlines()[:MAX_RELATIVES]:
        name, _, relationship = (part.strip() for part in line.partition(","))
        if name:
            relatives.append({"name": name[:255], **({"relationship": relationship[:100]} if relationship else {})})
    return relatives


def receiving_unit_id(session: Session, requested: int | None) -> int:
    """The requested unit when it exists, else the top of the unit tree (the lowest id), as the page offers it."""
    ids = {unit.id for unit in receiving_units(session)}
    return requested if requested in ids else min(ids, default=0)


def _refuse_internal_fields(form: PortalForm, schema: dict, data: dict) -> None:
    """Fields a citizen may not set (internal, fixed or read-only) are refused by name, never silently used."""
    foreign = sorted(name for name in data if name not in schema.get("properties", {}))
    if foreign:
        message = "Trường này không được gửi qua cổng công khai"
        raise InvalidFormData(form.slug, [FieldError(name, message) for name in foreign])


def file_on_portal(
    session: Session,
    services: EngineServices,
    settings: Settings,
    *,
    form: PortalForm,
    data: dict,
    client_address: str,
    spam_guard: SpamGuard,
    unit_id: int | None = None,
    relatives: list[dict] | None = None,
    upload: Upload | None = None,
    unit_required: bool = False,
) -> FiledCase:
    """File a report or a petition as a citizen; the caller commits.

    Checks, in this order: the address's rate limit (``RateLimited``, counted and committed at once), the
    process is deployed (``PortalFormUnavailable``), the spam guard (``FormRefused``), the upload's size
    (``PayloadTooLarge``), the start form (``InvalidFormData``: the caller rolls back, which also leaves the form
    token unspent so the corrected form can be posted again). ``data`` is the start form's data without the
    internal fields; an unknown ``unit_id`` files to the top of the unit tree, unless ``unit_required`` (the
    portal page, where the citizen picks the unit): then a missing or unknown unit is an ``InvalidFormData`` on
    ``unit_id``.
    """
    now = services.clock.now()
    count_portal_request(session, filing_rule(settings), address=client_address, now=now)
    schema = portal_start_schema(session, services, form)
    if schema is None:
        raise PortalFormUnavailable(form)
    rules = TokenRules(min_seconds=settings.portal_form_min_seconds, max_seconds=settings.portal_form_max_seconds)
    check_portal_form(
        session, settings.secret_key, spam_guard, purpose=form.slug, now=now, rules=rules, single_use=True
    )
    if upload is not None and upload.size > settings.max_attachment_bytes:
        raise PayloadTooLarge(
            f"File '{upload.filename}' is larger than the limit of {settings.max_attachment_bytes} bytes"
        )
    _refuse_internal_fields(form, schema, data)
    if unit_required and unit_id not in {unit.id for unit in receiving_units(session)}:
        raise InvalidFormData(form.slug, [FieldError(UNIT_FIELD, UNIT_MISSING)])
    if relatives and not form.takes_relatives:
        raise InvalidFormData(form.slug, [FieldError("relatives", "Biểu mẫu này không có người thân")])
    intake = {**data, **({"relatives": relatives[:MAX_RELATIVES]} if relatives else {})}
    today = now.astimezone(services.calendar.zone).date().isoformat()
    case = CaseRuntime(session, services).start_public_case(
        form.process_key, {**intake, **form.fixed, "received_on": today}, receiving_unit_id(session, unit_id)
    )
    if upload is not None:
        # Identity-bearing by default (handwriting, signatures): encrypted, read by the resolver and custodian only.
        attach_file(
            session, case, task_id=None, filename=upload.filename, content_type=upload.content_type,
            content=upload.content, uploaded_by=PUBLIC_FILER, at=now, max_bytes=settings.max_attachment_bytes,
            vault=services.identities,
        )  # fmt: skip
    secret = issue_access_secret(session, case, now)
    return FiledCase(case=case, tracking_code=case.tracking_code, secret=secret)
