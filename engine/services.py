"""The long-lived collaborators every action needs, built once per process."""

from dataclasses import dataclass, field

from engine.cases.identity import IdentityVault
from engine.cases.state import CaseStateSerializer
from engine.core.calendar import WorkingCalendar, parse_day_list
from engine.core.clock import Clock, SystemClock
from engine.core.settings import Settings
from engine.processes.forms import FormCatalog
from engine.processes.operators import OPERATORS, OperatorContext
from engine.processes.script_engine import build_script_engine
from engine.processes.spec_cache import SpecCache


@dataclass
class EngineServices:
    """Clock, calendar, forms, spec cache, state serializer and identity vault."""

    clock: Clock
    calendar: WorkingCalendar
    forms: FormCatalog
    identities: IdentityVault
    specs: SpecCache = field(default_factory=SpecCache)
    states: CaseStateSerializer = field(default_factory=CaseStateSerializer)
    max_upload_bytes: int = 2_000_000
    max_bpmn_bytes: int = 5_000_000
    portal_base_url: str = "http://127.0.0.1:8000"
    federation_key: str = ""
    issue_documents: bool = True

    def script_engine(self, context: OperatorContext | None = None):
        """A script engine bound to this clock and calendar whose service tasks act on one case (``context``).

        Without a context only the operators that are pure functions of the task data can run.
        """
        return build_script_engine(self.clock, self.calendar, OPERATORS.bind(context))


def build_services(settings: Settings, clock: Clock | None = None, session_factory=None) -> EngineServices:
    """Services configured from settings; pass ``clock`` to control time (tests, simulations).

    With ``session_factory`` the form catalog also finds the forms saved from the designer (table form_schemas).
    """
    from engine.processes.form_store import StoredForms

    calendar = WorkingCalendar(
        timezone=settings.timezone,
        extra_days_off=parse_day_list(settings.extra_days_off),
        makeup_working_days=parse_day_list(settings.makeup_working_days),
    )
    return EngineServices(
        clock=clock or SystemClock(),
        calendar=calendar,
        forms=FormCatalog(settings.forms_dir, StoredForms(session_factory) if session_factory else None),
        identities=IdentityVault(settings.identity_key or settings.secret_key),
        max_upload_bytes=settings.max_upload_bytes,
        max_bpmn_bytes=settings.max_bpmn_bytes,
        portal_base_url=settings.portal_base_url,
        federation_key=settings.federation_key,
        issue_documents=settings.issue_documents,
    )


# Each domain registers its service operators and case observers when these modules are imported. Importing them
# here, once, after EngineServices exists, gives the runtime, the scheduler, the CLI, the lint and the tests the
# same operators and observers.
import engine.cases.lifecycle_hooks  # noqa: E402, F401
import engine.federation.hooks  # noqa: E402, F401
import engine.followups.hooks  # noqa: E402, F401
import engine.notifications.hooks  # noqa: E402, F401
import engine.petitions.hooks  # noqa: E402, F401
import engine.petitions.operators  # noqa: E402, F401
import engine.portal.hooks  # noqa: E402, F401
import engine.reports.hooks  # noqa: E402, F401
import engine.reports.operators  # noqa: E402, F401
import engine.search.hooks  # noqa: E402, F401

# isort: off
import engine.documents.hooks  # noqa: E402, F401  (last: documents are issued after the other observers checked the step)
# isort: on
