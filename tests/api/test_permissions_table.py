"""Every route × every role × (own unit, other unit) answers as the one permissions policy says.

The table ``POLICY`` has one row per route (method, path template), written out by hand: who the policy lets
through, and the answer that means "let through" for the request this test sends. Requests are minimal — an
empty form, ``{}`` or a body that the route refuses after the policy — so an allowed caller's answer is often a
4xx that is *not* 401/403: it proves the request got past the policy. Each row says which answer that is.

How to read the answers:

* a role not in ``who`` gets **403** (API and pages alike: the policy's ``Forbidden``);
* ``anonymous`` gets **401** on /api and a **303 to /login** on pages, unless ``who`` contains ``ANONYMOUS``;
* ``other``: the answer when the target (case, task, file, matter, report, migration batch) is of a unit the caller
  does not see:
  **404**, the API hides that it exists. The custodian (city level) sees every unit, so "other" is "own" for it;
* ``refused``: roles the policy lets through by role but refuses on the own-unit target (a task's lane or
  assignee, a file that needs another rule): **403**.

A new route fails ``test_every_route_has_a_policy_row`` until its row is added (one line per route).
"""

from datetime import timedelta

import jwt
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.web.session import SESSION_COOKIE, WEB_AUDIENCE
from engine.cases.attachments import attach_file
from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import Case, IssuedDocument, Matter, MigrationBatch, PeriodicReport
from engine.processes.drafts import save_draft
from engine.reports.periodic import produce_periodic_reports
from tests.factories import INTAKE, PASSWORD, World, migrated_copy

try:  # FastAPI ≥ 0.160 keeps included routers as they are; this walks them with their prefixes
    from fastapi.routing import iter_route_contexts
except ImportError:  # older FastAPI copies every route into app.routes
    iter_route_contexts = None

ANONYMOUS = "anonymous"
OFFICER, TEAM_LEAD, SUPERVISOR, CUSTODIAN, DESIGNER, ADMIN = (
    "officer", "team_lead", "supervisor", "custodian", "designer", "admin",
)  # fmt: skip
USERS = {OFFICER: "officer1", TEAM_LEAD: "lead1", SUPERVISOR: "supervisor1", CUSTODIAN: "custodian1",
         DESIGNER: "designer1", ADMIN: "admin1"}  # fmt: skip
SEES_EVERY_UNIT = {CUSTODIAN}  # custodian1 belongs to the city; everyone else to district d1
ROLES = (*USERS, ANONYMOUS)

HANDLERS = frozenset({OFFICER, TEAM_LEAD, SUPERVISOR})
STAFF = frozenset(USERS)
EVERYONE = frozenset(ROLES)
DESIGNERS = frozenset({DESIGNER, ADMIN})
IDENTITY_READERS = frozenset({SUPERVISOR, CUSTODIAN})
RECOVERERS = frozenset({SUPERVISOR}) | DESIGNERS
ADMINS = frozenset({ADMIN})
UNIT_SCOPED = ("{case_id}", "{task_id}", "{attachment_id}", "{matter_id}", "{report_id}", "{batch_id}", "{document_id}")
DECIDERS = frozenset({TEAM_LEAD, SUPERVISOR})
LATER_DECISION = {"reason": "chờ giám định", "decided_on": "2999-01-01"}
LEADS = frozenset({TEAM_LEAD, SUPERVISOR})
TRANSFER_TO_D2 = {"reason": "Thuộc thẩm quyền của quận 2", "to_unit": "d2"}
OK, CREATED, NO_CONTENT, REDIRECT, FOUND_NOT, BAD, CONFLICT, INVALID = 200, 201, 204, 303, 404, 400, 409, 422
# FOUND_NOT: hidden, the unit is not theirs
EVIDENCE = {"file": ("bien-ban.txt", b"bien ban", "text/plain")}


class Row:
    """One route's policy: who gets through, and what "through" answers for this test's request."""

    def __init__(self, who: frozenset[str], ok: int, *, other: int | None = None, refused: frozenset[str] = frozenset(),
                 query: str = "", json: dict | None = None, form: dict | None = None,
                 files: dict | None = None) -> None:  # fmt: skip
        self.who, self.ok, self.other, self.refused = who, ok, other, refused
        self.query, self.json, self.form, self.files = query, json, form, files

    def expected(self, role: str, scope: str, api: bool) -> int | str:
        """The answer for a role on the own or other unit's target."""
        if role == ANONYMOUS and ANONYMOUS not in self.who:
            return 401 if api else "login"
        if role not in self.who:
            return 403
        if scope == "other" and self.other is not None and role not in SEES_EVERY_UNIT:
            return self.other
        if role in self.refused:
            return 403
        return self.ok


# fmt: off
POLICY: dict[tuple[str, str], Row] = {
    # ---- public: sign-in, health, the citizen portal (no form token → 400 from the portal's spam guard) ----
    ("GET", "/login"): Row(EVERYONE, OK),
    ("POST", "/login"): Row(EVERYONE, INVALID),  # empty form: 422 names the missing username and password
    ("POST", "/api/auth/token"): Row(EVERYONE, INVALID),
    ("GET", "/healthz"): Row(EVERYONE, OK),
    ("GET", "/portal"): Row(EVERYONE, OK),
    ("GET", "/portal/phan-anh"): Row(EVERYONE, OK),
    ("GET", "/portal/gui-don"): Row(EVERYONE, OK),
    ("POST", "/portal/phan-anh"): Row(EVERYONE, BAD),
    ("POST", "/portal/gui-don"): Row(EVERYONE, BAD),
    ("GET", "/portal/tra-cuu"): Row(EVERYONE, OK),
    ("POST", "/portal/tra-cuu"): Row(EVERYONE, BAD),
    ("POST", "/portal/theo-doi"): Row(EVERYONE, BAD),
    ("GET", "/portal/huy-dang-ky/{token}"): Row(EVERYONE, OK),
    ("POST", "/portal/huy-dang-ky/{token}"): Row(EVERYONE, OK),  # an unknown token gets the same answer
    ("GET", "/portal/cong-khai"): Row(EVERYONE, OK),
    ("GET", "/portal/xac-thuc-van-ban"): Row(EVERYONE, OK),
    ("POST", "/portal/xac-thuc-van-ban"): Row(EVERYONE, BAD),
    # ---- every signed-in person ----
    ("GET", "/"): Row(STAFF, REDIRECT),  # to the home page of the role
    ("POST", "/logout"): Row(STAFF, REDIRECT),  # to the sign-in page, without ?next=
    ("GET", "/api/auth/me"): Row(STAFF, OK),
    ("POST", "/api/auth/logout"): Row(STAFF, NO_CONTENT),  # revokes the caller's token (the caller signs in again)
    ("GET", "/api/processes"): Row(STAFF, OK),  # can_read_processes
    ("GET", "/api/processes/{key}/start-form"): Row(STAFF, OK),
    # ---- my notifications and how I receive them: can_read_own_notifications ----
    ("GET", "/notifications"): Row(STAFF, OK),
    ("POST", "/notifications/read"): Row(STAFF, REDIRECT),
    ("GET", "/notifications/preferences"): Row(STAFF, OK),
    ("POST", "/notifications/preferences"): Row(STAFF, BAD),  # empty form: no hour
    ("GET", "/api/notifications"): Row(STAFF, OK),
    ("POST", "/api/notifications/read"): Row(STAFF, OK, json={"all": True}),
    ("GET", "/api/notifications/preferences"): Row(STAFF, OK),
    ("PUT", "/api/notifications/preferences"): Row(STAFF, INVALID, json={}),  # no mode
    # ---- cases: can_read_case, can_register_case ----
    ("GET", "/cases"): Row(HANDLERS, OK),
    ("GET", "/cases/results"): Row(HANDLERS, OK),
    ("GET", "/api/cases"): Row(HANDLERS, OK),
    ("GET", "/cases/new"): Row(HANDLERS, OK),
    ("POST", "/cases/new"): Row(HANDLERS, INVALID),  # empty intake form
    ("POST", "/api/cases"): Row(HANDLERS, INVALID, json={}),
    ("GET", "/cases/{case_id}"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/cases/{case_id}"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/cases/{case_id}/diagram.bpmn"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/cases/{case_id}/events"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/cases/{case_id}/events/verify"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/cases/{case_id}/duplicate-candidates"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/cases/{case_id}/handled-elsewhere"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/cases/{case_id}/transfers"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("POST", "/api/cases/{case_id}/transfer"): Row(HANDLERS, BAD, other=FOUND_NOT, json=TRANSFER_TO_D2),
    ("POST", "/cases/{case_id}/transfer"): Row(HANDLERS, BAD, other=FOUND_NOT),  # empty form: no destination
    # a file that shows no identity: can_read_attachment lets the custodian in by role, can_read_case refuses
    ("GET", "/cases/{case_id}/attachments/{attachment_id}"): Row(HANDLERS | {CUSTODIAN}, OK, other=FOUND_NOT,
                                                                 refused=frozenset({CUSTODIAN})),
    # ---- protected identities: can_read_identity (the resolver of the unit, the custodian city-wide) ----
    ("GET", "/cases/{case_id}/identity"): Row(IDENTITY_READERS, OK, other=FOUND_NOT),
    ("POST", "/cases/{case_id}/identity"): Row(IDENTITY_READERS, OK, other=FOUND_NOT),
    # ---- stuck cases: can_recover_cases (the test's case is not in error: 409 once let through) ----
    ("GET", "/cases/stuck"): Row(RECOVERERS, OK),
    ("POST", "/cases/{case_id}/retry"): Row(RECOVERERS, CONFLICT, other=FOUND_NOT, form={"reason": "thử lại"}),
    ("POST", "/cases/{case_id}/cancel"): Row(RECOVERERS, CONFLICT, other=FOUND_NOT, form={"reason": "hủy"}),
    ("GET", "/api/cases/stuck"): Row(RECOVERERS, OK),
    ("POST", "/api/cases/{case_id}/retry"): Row(RECOVERERS, CONFLICT, other=FOUND_NOT, json={"reason": "thử lại"}),
    ("POST", "/api/cases/{case_id}/cancel"): Row(RECOVERERS, CONFLICT, other=FOUND_NOT, json={"reason": "hủy"}),
    # ---- the legal lifecycle: can_decide_case_course (a decision dated in the future: 400; resume: not suspended) ----
    ("POST", "/cases/{case_id}/suspend"): Row(DECIDERS, BAD, other=FOUND_NOT, form=LATER_DECISION),
    ("POST", "/cases/{case_id}/resume"): Row(DECIDERS, CONFLICT, other=FOUND_NOT, form=LATER_DECISION),
    ("POST", "/cases/{case_id}/terminate"): Row(DECIDERS, BAD, other=FOUND_NOT, form=LATER_DECISION),
    ("POST", "/cases/{case_id}/withdraw"): Row(DECIDERS, BAD, other=FOUND_NOT, form=LATER_DECISION),
    ("POST", "/api/cases/{case_id}/suspend"): Row(DECIDERS, BAD, other=FOUND_NOT, json=LATER_DECISION),
    ("POST", "/api/cases/{case_id}/resume"): Row(DECIDERS, CONFLICT, other=FOUND_NOT, json=LATER_DECISION),
    ("POST", "/api/cases/{case_id}/terminate"): Row(DECIDERS, BAD, other=FOUND_NOT, json=LATER_DECISION),
    ("POST", "/api/cases/{case_id}/withdraw"): Row(DECIDERS, BAD, other=FOUND_NOT, json=LATER_DECISION),
    ("GET", "/api/cases/{case_id}/identity"): Row(IDENTITY_READERS, OK, other=FOUND_NOT),
    ("GET", "/api/matters/{matter_id}"): Row(HANDLERS, OK, other=FOUND_NOT),  # can_read_matter
    # ---- tasks: the own task is screen_report, lane officer, claimed by officer1 ----
    ("GET", "/inbox"): Row(HANDLERS, OK),  # can_read_task
    ("GET", "/api/tasks"): Row(HANDLERS, OK),
    ("GET", "/tasks/{task_id}"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/tasks/{task_id}"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/tasks/{task_id}/form"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("POST", "/tasks/{task_id}/claim"): Row(HANDLERS, REDIRECT, other=FOUND_NOT,  # can_claim_task: the lane
                                            refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("POST", "/api/tasks/{task_id}/claim"): Row(HANDLERS, OK, other=FOUND_NOT,
                                                refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    # can_complete_task: the assignee (or the lane); the empty form is then refused with 422
    ("POST", "/tasks/{task_id}"): Row(HANDLERS, INVALID, other=FOUND_NOT, refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("POST", "/api/tasks/{task_id}/complete"): Row(HANDLERS, INVALID, other=FOUND_NOT, json={"data": {}},
                                                   refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    # can_unclaim_task: officer1 gives back the task claimed above; then nobody holds it (a no-op: 200)
    ("POST", "/api/tasks/{task_id}/unclaim"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("POST", "/tasks/{task_id}/unclaim"): Row(HANDLERS, REDIRECT, other=FOUND_NOT),
    # can_assign_task: give the task to officer1 (who holds it already)
    ("POST", "/tasks/{task_id}/reassign"): Row(frozenset({TEAM_LEAD, SUPERVISOR}), REDIRECT, other=FOUND_NOT,
                                               form={"username": "officer1"}),
    ("POST", "/api/tasks/{task_id}/assign"): Row(frozenset({TEAM_LEAD, SUPERVISOR}), OK, other=FOUND_NOT,
                                                 json={"username": "officer1"}),
    # can_assign_task, several at once: the empty body is refused with 422 once let through
    ("POST", "/api/tasks/reassign"): Row(frozenset({TEAM_LEAD, SUPERVISOR}), INVALID, json={}),
    # ---- official documents: can_read_documents (a case's issued documents), can_draft_documents (the step's
    # completer; screen_report issues no document: 404 once let through), can_read_registers (the unit's registers)
    ("GET", "/api/cases/{case_id}/documents"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/documents/{document_id}.pdf"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/documents/{document_id}.docx"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/documents/{document_id}.pdf"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/documents/{document_id}.docx"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/tasks/{task_id}/documents"): Row(HANDLERS, OK, other=FOUND_NOT,
                                                   refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("GET", "/api/tasks/{task_id}/documents/{kind}/draft"): Row(HANDLERS, FOUND_NOT, other=FOUND_NOT,
                                                                refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("PUT", "/api/tasks/{task_id}/documents/{kind}/draft"): Row(HANDLERS, FOUND_NOT, other=FOUND_NOT, files=EVIDENCE,
                                                                refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("GET", "/tasks/{task_id}/documents/{kind}/draft"): Row(HANDLERS, FOUND_NOT, other=FOUND_NOT,
                                                            refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("POST", "/tasks/{task_id}/documents/{kind}/draft"): Row(HANDLERS, FOUND_NOT, other=FOUND_NOT, files=EVIDENCE,
                                                             refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("GET", "/api/registers"): Row(HANDLERS, OK, query="unit=d1&year=2026"),
    ("GET", "/api/registers.xlsx"): Row(HANDLERS, OK, query="unit=d1&year=2026"),
    ("GET", "/registers"): Row(HANDLERS, OK),  # the reader's own unit, this year
    ("GET", "/registers.xlsx"): Row(HANDLERS, OK),
    # ---- absences and deputies: can_manage_absence (the test's absence id names none: 404 once let through) ----
    ("GET", "/api/absences"): Row(HANDLERS, OK),
    ("POST", "/api/absences"): Row(HANDLERS, INVALID, json={}),
    ("DELETE", "/api/absences/{absence_id}"): Row(HANDLERS, FOUND_NOT),
    ("POST", "/api/absences/{absence_id}/hand-over"): Row(HANDLERS, FOUND_NOT),
    ("GET", "/team"): Row(frozenset({TEAM_LEAD, SUPERVISOR}), OK),
    ("POST", "/team/reassign"): Row(frozenset({TEAM_LEAD, SUPERVISOR}), BAD),  # no task ticked: 400, list shown
    ("GET", "/absences"): Row(HANDLERS, OK),
    ("POST", "/absences"): Row(HANDLERS, BAD),  # empty form: no date, 400 shown above the form
    ("POST", "/absences/{absence_id}/cancel"): Row(HANDLERS, FOUND_NOT),
    ("POST", "/absences/{absence_id}/hand-over"): Row(HANDLERS, FOUND_NOT),
    # ---- reception desk: can_receive_petitions; the visits register: can_read_visits_register ----
    ("GET", "/reception"): Row(HANDLERS, OK),
    ("POST", "/reception/new/{tab}"): Row(HANDLERS, INVALID),  # empty visit form
    ("GET", "/reception/register"): Row(HANDLERS | {CUSTODIAN}, OK),
    ("POST", "/reception/register"): Row(IDENTITY_READERS, OK),  # revealing needs can_read_identity
    # ---- reception by leaders: can_read_reception, can_plan_reception, can_record_reception, figures ----
    ("GET", "/reception/schedule"): Row(HANDLERS, OK),
    ("POST", "/reception/schedule"): Row(LEADS, BAD),  # empty form: no date
    ("GET", "/reception/sessions"): Row(HANDLERS, OK),
    ("POST", "/reception/sessions"): Row(HANDLERS, BAD),  # empty form: no date
    ("GET", "/reception/figures"): Row(LEADS, OK),
    ("GET", "/portal/lich-tiep-cong-dan"): Row(EVERYONE, OK),
    # ---- case categories and 1374 grouping ----
    ("GET", "/categories"): Row(LEADS, OK),
    ("GET", "/cases/{case_id}/categories"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("POST", "/cases/{case_id}/categories"): Row(LEADS, REDIRECT, other=FOUND_NOT),  # nothing ticked: cleared
    ("POST", "/cases/{case_id}/matter"): Row(HANDLERS, FOUND_NOT, other=FOUND_NOT),  # no other report named
    # ---- overview and reports: can_view_overview, can_read_reports ----
    ("GET", "/overview"): Row(frozenset({SUPERVISOR, TEAM_LEAD}), OK),
    ("GET", "/api/reports/overview"): Row(frozenset({SUPERVISOR, TEAM_LEAD}), OK),
    ("GET", "/reports"): Row(frozenset({SUPERVISOR}), OK),
    ("GET", "/reports/sla"): Row(frozenset({SUPERVISOR}), OK),
    ("GET", "/reports/cases"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05&figure=received"),
    ("GET", "/reports/export.{fmt}"): Row(frozenset({SUPERVISOR}), OK),
    ("GET", "/reports/periodic/{report_id}.{fmt}"): Row(frozenset({SUPERVISOR}), OK, other=FOUND_NOT),
    ("GET", "/api/reports/summary"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05"),
    ("GET", "/api/reports/summary/cases"): Row(
        frozenset({SUPERVISOR}), OK, query="period=2026-05&figure=received"
    ),
    ("GET", "/api/reports/summary.xlsx"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05"),
    ("GET", "/api/reports/summary.pdf"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05"),
    ("GET", "/api/reports/sla"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05"),
    ("GET", "/reports/forms"): Row(frozenset({SUPERVISOR}), OK),
    ("GET", "/reports/forms.xlsx"): Row(frozenset({SUPERVISOR}), OK),
    ("GET", "/api/reports/forms/{form}"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05"),
    ("GET", "/api/reports/forms/{form}.xlsx"): Row(frozenset({SUPERVISOR}), OK, query="period=2026-05"),
    ("GET", "/api/reports/periodic"): Row(frozenset({SUPERVISOR}), OK),
    ("GET", "/api/reports/periodic/{report_id}"): Row(frozenset({SUPERVISOR}), OK, other=FOUND_NOT),
    ("GET", "/api/reports/periodic/{report_id}.pdf"): Row(frozenset({SUPERVISOR}), OK, other=FOUND_NOT),
    ("GET", "/api/reports/periodic/{report_id}.xlsx"): Row(frozenset({SUPERVISOR}), OK, other=FOUND_NOT),
    # ---- processes: can_design, can_deploy (an empty upload → 400/422 after the policy) ----
    ("GET", "/designer"): Row(DESIGNERS, OK),
    ("GET", "/designer/new"): Row(DESIGNERS, OK),
    ("GET", "/designer/edit/{key}"): Row(DESIGNERS, OK),
    ("GET", "/designer/forms.json"): Row(DESIGNERS, OK),
    ("GET", "/designer/forms/schema"): Row(DESIGNERS, OK, query="name=receive_report.schema.json"),
    ("POST", "/designer/forms/preview"): Row(DESIGNERS, INVALID),  # no schema text
    ("POST", "/designer/forms"): Row(DESIGNERS, INVALID),
    ("POST", "/designer/upload"): Row(DESIGNERS, BAD),  # no file
    ("POST", "/designer/lint"): Row(DESIGNERS, BAD),  # no XML
    ("POST", "/designer/deploy"): Row(DESIGNERS, BAD),
    ("POST", "/designer/deploy/preview"): Row(DESIGNERS, BAD),
    ("POST", "/api/processes/preview"): Row(DESIGNERS, INVALID),  # no file
    ("POST", "/designer/drafts"): Row(DESIGNERS, BAD),
    ("GET", "/designer/drafts/{draft_id}"): Row(DESIGNERS, OK),
    ("GET", "/designer/drafts/{draft_id}/diagram.bpmn"): Row(DESIGNERS, OK),
    ("POST", "/designer/drafts/{draft_id}/delete"): Row(DESIGNERS, REDIRECT),
    ("GET", "/designer/processes/{key}/versions"): Row(DESIGNERS, OK),
    ("GET", "/designer/processes/{key}/versions/{version}"): Row(DESIGNERS, OK),
    ("GET", "/designer/processes/{key}/versions/{version}/diagram.bpmn"): Row(DESIGNERS, OK),
    ("GET", "/designer/processes/{key}/diff"): Row(DESIGNERS, OK, query="from_version=1&to_version=1"),
    ("POST", "/api/processes/lint"): Row(DESIGNERS, BAD, json={}),
    ("POST", "/api/processes"): Row(DESIGNERS, INVALID),  # no file
    ("GET", "/api/processes/{key}/versions"): Row(DESIGNERS, OK),
    ("GET", "/api/processes/{key}/versions/{version}/xml"): Row(DESIGNERS, OK),
    ("GET", "/api/processes/{key}/diff"): Row(DESIGNERS, OK, query="from_version=1&to_version=1"),
    # ---- migrating cases: can_migrate_cases; batches: can_read_migration_batch (the requester's unit) ----
    ("GET", "/designer/processes/{key}/migrations"): Row(DESIGNERS, OK),
    ("POST", "/designer/processes/{key}/migrations"): Row(DESIGNERS, BAD),  # no target version
    ("POST", "/api/processes/{key}/migrations/dry-run"): Row(DESIGNERS, INVALID, json={}),
    ("POST", "/api/processes/{key}/migrations"): Row(DESIGNERS, INVALID, json={}),
    ("GET", "/designer/migrations/{batch_id}"): Row(DESIGNERS, OK, other=FOUND_NOT),
    ("GET", "/designer/migrations/{batch_id}/progress"): Row(DESIGNERS, OK, other=FOUND_NOT),
    ("GET", "/api/migrations/{batch_id}"): Row(DESIGNERS, OK, other=FOUND_NOT),
    # ---- case files over REST: upload and list need can_read_case; a download follows can_read_attachment ----
    ("POST", "/api/tasks/{task_id}/complete-with-evidence"): Row(HANDLERS, INVALID, other=FOUND_NOT,
                                                                 form={"data": "{}"},
                                                                 refused=frozenset({TEAM_LEAD, SUPERVISOR})),
    ("POST", "/api/cases/{case_id}/attachments"): Row(HANDLERS, CREATED, other=FOUND_NOT, files=EVIDENCE),
    ("GET", "/api/cases/{case_id}/attachments"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("GET", "/api/attachments/{attachment_id}"): Row(HANDLERS | {CUSTODIAN}, OK, other=FOUND_NOT,
                                                     refused=frozenset({CUSTODIAN})),
    # ---- comments (trao đổi): reading needs can_read_case, posting can_comment_on_case (an empty body: 400) ----
    ("GET", "/api/cases/{case_id}/comments"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("POST", "/api/cases/{case_id}/comments"): Row(HANDLERS, BAD, other=FOUND_NOT, json={"body": " "}),
    ("POST", "/api/cases/{case_id}/comments/with-files"): Row(HANDLERS, BAD, other=FOUND_NOT, form={"body": " "}),
    ("POST", "/cases/{case_id}/comments"): Row(HANDLERS, BAD, other=FOUND_NOT),  # the case page again, with why
    # ---- drafts and saved forms: can_design ----
    ("GET", "/api/drafts"): Row(DESIGNERS, OK),
    ("POST", "/api/drafts"): Row(DESIGNERS, INVALID, json={}),
    ("GET", "/api/drafts/{draft_id}"): Row(DESIGNERS, OK),
    ("PUT", "/api/drafts/{draft_id}"): Row(DESIGNERS, INVALID, json={}),
    ("DELETE", "/api/drafts/{draft_id}"): Row(DESIGNERS, NO_CONTENT),
    ("GET", "/api/forms"): Row(DESIGNERS, OK),
    ("GET", "/api/forms/{name}"): Row(DESIGNERS, OK),
    ("POST", "/api/forms"): Row(DESIGNERS, INVALID, json={}),
    # ---- document templates: can_design (a preview's case must be of a unit the designer sees) ----
    ("GET", "/api/document-templates"): Row(DESIGNERS, OK),
    ("GET", "/api/document-templates/{kind}/versions"): Row(DESIGNERS, OK),
    ("POST", "/api/document-templates/{kind}/versions"): Row(DESIGNERS, INVALID),  # no file
    ("POST", "/api/document-templates/{kind}/versions/{version}/activate"): Row(DESIGNERS, FOUND_NOT),  # no upload
    ("GET", "/api/document-templates/{kind}/versions/{version}/file"): Row(DESIGNERS, FOUND_NOT),
    ("GET", "/api/document-templates/{kind}/preview/{case_id}"): Row(DESIGNERS, OK, other=FOUND_NOT),
    ("GET", "/api/document-templates/{kind}/preview/{case_id}/fields"): Row(DESIGNERS, OK, other=FOUND_NOT),
    ("GET", "/designer/documents"): Row(DESIGNERS, OK),
    ("GET", "/designer/documents/{kind}"): Row(DESIGNERS, OK),
    ("POST", "/designer/documents/{kind}"): Row(DESIGNERS, BAD),  # no file
    ("POST", "/designer/documents/{kind}/activate"): Row(DESIGNERS, BAD),  # no version
    ("GET", "/designer/documents/{kind}/file"): Row(DESIGNERS, OK),
    ("GET", "/designer/documents/{kind}/preview"): Row(DESIGNERS, BAD),  # no case number
    ("GET", "/designer/documents/{kind}/preview.docx"): Row(DESIGNERS, BAD),
    # ---- people: can_read_staff_directory, can_read_unit_tree ----
    ("GET", "/api/users"): Row(frozenset({TEAM_LEAD, SUPERVISOR, ADMIN}), OK),
    ("GET", "/api/units"): Row(STAFF, OK),
    # ---- administration: can_administer; can_update_user (anyone their own account: officer1 is the target) ----
    ("POST", "/api/users"): Row(ADMINS, INVALID, json={}),
    ("PATCH", "/api/users/{username}"): Row(frozenset({OFFICER, ADMIN}), OK, json={}),
    ("POST", "/api/users/{username}/password-reset"): Row(ADMINS, CREATED),
    ("POST", "/api/units"): Row(ADMINS, INVALID, json={}),
    ("PATCH", "/api/units/{code}"): Row(ADMINS, OK, json={}),
    ("POST", "/api/units/{code}/retire"): Row(ADMINS, CONFLICT),  # d1 has members: refused after the policy
    ("GET", "/api/roles/overview"): Row(ADMINS, OK),
    ("GET", "/admin/users"): Row(ADMINS, OK),
    ("GET", "/admin/users/new"): Row(ADMINS, OK),
    ("POST", "/admin/users/new"): Row(ADMINS, INVALID),  # empty form: the username is refused
    ("GET", "/admin/users/{username}"): Row(ADMINS, OK),
    ("POST", "/admin/users/{username}"): Row(ADMINS, INVALID),  # empty form: the full name may not be empty
    ("POST", "/admin/users/{username}/password-reset"): Row(ADMINS, OK),  # shows the new link
    ("GET", "/admin/units"): Row(ADMINS, OK),
    ("POST", "/admin/units"): Row(ADMINS, INVALID),
    ("POST", "/admin/units/{code}"): Row(ADMINS, INVALID),  # empty form: the name may not be empty
    ("POST", "/admin/units/{code}/retire"): Row(ADMINS, CONFLICT),
    ("GET", "/admin/roles"): Row(ADMINS, OK),
    # the one-time password link's page is public; an unknown link is a 404
    ("GET", "/password/set/{token}"): Row(EVERYONE, FOUND_NOT),
    ("POST", "/password/set/{token}"): Row(EVERYONE, FOUND_NOT),
    # ---- liên thông: peers deliver signed messages (no user: the signature is checked after the body); admins ----
    ("POST", "/api/federation/messages"): Row(EVERYONE, INVALID, json={}),
    ("GET", "/api/federation"): Row(ADMINS, OK),
    ("POST", "/api/federation/peers"): Row(ADMINS, INVALID, json={}),
    ("GET", "/admin/federation"): Row(ADMINS, OK),
    ("GET", "/reception/import"): Row(HANDLERS, OK),
    ("POST", "/reception/import"): Row(HANDLERS, BAD),  # empty form: no workbook
    ("POST", "/api/petitions/import"): Row(HANDLERS, INVALID),  # no file
    # the consolidated report is the top unit's: supervisor1 (district d1) is refused by the unit scope
    ("GET", "/api/federation/reports/consolidated"): Row(frozenset({SUPERVISOR}), OK, query="period=2026",
                                                         refused=frozenset({SUPERVISOR})),
    ("GET", "/reports/consolidated"): Row(frozenset({SUPERVISOR}), OK, query="period=2026",
                                          refused=frozenset({SUPERVISOR})),
    ("POST", "/admin/federation/peers"): Row(ADMINS, BAD),  # empty form: the name is refused
    # ---- the portal over REST: public, the same guards as the pages ----
    ("GET", "/api/portal/form-token"): Row(EVERYONE, OK, query="form=report"),
    ("POST", "/api/portal/reports"): Row(EVERYONE, INVALID, json={}),
    ("POST", "/api/portal/petitions"): Row(EVERYONE, INVALID, json={}),
    ("POST", "/api/portal/lookup"): Row(EVERYONE, INVALID, json={}),
    ("GET", "/api/portal/published"): Row(EVERYONE, OK),
    ("POST", "/api/portal/subscriptions"): Row(EVERYONE, INVALID, json={}),
    ("DELETE", "/api/portal/subscriptions/{token}"): Row(EVERYONE, NO_CONTENT),  # unknown token: same answer
    ("POST", "/api/documents/verify"): Row(EVERYONE, INVALID),  # no file: 422; a recipient checks a document
    # ---- the reception desk over REST: can_receive_petitions, can_read_visits_register ----
    ("POST", "/api/petitions"): Row(HANDLERS, INVALID, json={}),
    ("POST", "/api/reception/visits"): Row(HANDLERS, INVALID, json={}),
    ("GET", "/api/reception/visits"): Row(HANDLERS | {CUSTODIAN}, OK),
    # revealing needs can_read_identity too: the officer and team lead are refused after the register rule
    ("POST", "/api/reception/visits/revealed"): Row(HANDLERS | {CUSTODIAN}, OK,
                                                    refused=frozenset({OFFICER, TEAM_LEAD})),
    # ---- reception by leaders: can_plan_reception, can_record_reception, can_read_reception(_figures) ----
    ("GET", "/api/reception/schedule"): Row(HANDLERS, OK),
    ("POST", "/api/reception/schedule"): Row(LEADS, INVALID, json={}),
    ("GET", "/api/reception/sessions"): Row(HANDLERS, OK),
    ("POST", "/api/reception/sessions"): Row(HANDLERS, INVALID, json={}),
    ("GET", "/api/reception/figures"): Row(LEADS, OK),
    ("GET", "/api/reception/figures.xlsx"): Row(LEADS, OK),
    ("GET", "/api/portal/reception-schedule"): Row(EVERYONE, OK),
    # ---- case categories: can_categorize_case, can_read_case_categories; 1374 grouping: can_group_reports ----
    ("GET", "/api/cases/{case_id}/categories"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("PUT", "/api/cases/{case_id}/categories"): Row(LEADS, OK, other=FOUND_NOT, json={"categories": []}),
    ("GET", "/api/case-categories"): Row(LEADS, OK),
    ("GET", "/api/cases/{case_id}/similar-reports"): Row(HANDLERS, OK, other=FOUND_NOT),
    ("POST", "/api/cases/{case_id}/matter"): Row(HANDLERS, INVALID, json={}),  # no other report named
}
# fmt: on


def app_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every API route and page of the app; no static files, docs or OpenAPI."""
    routes = iter_route_contexts(app.routes) if iter_route_contexts is not None else app.routes
    found = []
    for route in routes:
        if isinstance(getattr(route, "original_route", route), APIRoute):
            found.extend((method, route.path) for method in sorted(route.methods - {"HEAD"}))
    return found


@pytest.fixture
def database_url(sqlite_template, tmp_path):
    """The table is about the policy, not the backend: SQLite only."""
    return migrated_copy(sqlite_template, tmp_path / "policy.db")


@pytest.fixture
def app(world):
    """The app wired to the world, with portal rate limits that this many requests do not reach."""
    world.settings.portal_filing_limit = world.settings.portal_lookup_limit = 10_000
    return create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)


class Targets:
    """A case, its open task, a file, a matter, a periodic report and a migration batch in d1 (own) and in d2
    (other)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.own, self.other = {}, {}
        registrars = {username: world.actor(username) for username in ("officer1", "officer_d2")}
        with transaction(world.factory) as session:
            runtime = CaseRuntime(session, world.services)
            now = world.clock.now()
            for found, username, unit in ((self.own, "officer1", "d1"), (self.other, "officer_d2", "d2")):
                case = runtime.start_case(registrars[username], process_key="report_1374", data=INTAKE)
                attachment = attach_file(
                    session, case, task_id=None, filename="bien-ban.txt", content_type="text/plain",
                    content=b"bien ban", uploaded_by=username, at=now, max_bytes=1000,
                )  # fmt: skip
                matter = Matter(unit_id=world.units[unit], title="Vụ việc", created_at=now)
                batch = MigrationBatch(process_key="report_1374", to_version=1, requested_by="designer1",
                                       unit_id=world.units[unit], created_at=now)  # fmt: skip
                document = IssuedDocument(
                    case_id=case.id, unit_id=world.units[unit], kind="result_notice", year=2026, number=1,
                    symbol="1/TB-X", title="Thông báo", issued_on=now.date(), issued_at=now, issued_by=username,
                    signer_name="Nguyễn Văn An", signed=True, sha256="0" * 64, identity_bearing=False,
                    docx=b"PK", pdf=b"%PDF",
                )  # fmt: skip
                session.add_all([matter, batch, document])
                session.flush()
                found.update(case_id=case.id, attachment_id=attachment.id, matter_id=matter.id, batch_id=batch.id,
                             document_id=document.id)  # fmt: skip
            month_start = now.date().replace(day=1)  # the month before the clock's closes on the day before
            produce_periodic_reports(session, world.services.forms, closing_day=month_start - timedelta(days=1),
                                     zone=world.services.calendar.zone, now=now, case_id=None)  # fmt: skip
        for found, unit in ((self.own, "d1"), (self.other, "d2")):
            found["task_id"] = world.ready_task(found["case_id"], "screen_report").id
            found["report_id"] = self._report_of(world.units[unit])

    def _report_of(self, unit_id: int) -> int:
        with self.world.factory() as session:
            return session.scalars(select(PeriodicReport.id).where(PeriodicReport.unit_id == unit_id)).one()

    def fresh_draft(self) -> int:
        """A new draft for every request (one of the routes deletes it)."""
        with transaction(self.world.factory) as session:
            return save_draft(session, xml="<bpmn/>", name="Nháp", saved_by="designer1").id

    def url(self, path: str, scope: str, query: str) -> str:
        """The path template filled in from the world (``scope`` picks the own or the other unit's target)."""
        values = {**(self.own if scope == "own" else self.other), "key": "report_1374", "version": 1,
                  "fmt": "xlsx", "tab": "visit", "token": "khong-co",
                  "name": "receive_report.schema.json", "absence_id": 999_999,
                  "username": "officer1", "code": "d1", "form": "petitions",
                  "kind": "verification_conclusion"}  # fmt: skip
        if "{draft_id}" in path:
            values["draft_id"] = self.fresh_draft()
        filled = path.format(**values)
        return f"{filled}?{query}" if query else filled


class Caller:
    """One client per role: a cookie session for the pages and a bearer token for the API."""

    def __init__(self, app, role: str) -> None:
        self.client, self.role = TestClient(app, cookies={}), role
        self.headers: dict[str, str] = {}
        if role != ANONYMOUS:
            self.sign_in()

    def sign_in(self) -> None:
        username = USERS[self.role]
        signed_in = self.client.post("/login", data={"username": username, "password": PASSWORD},
                                     follow_redirects=False)  # fmt: skip
        assert signed_in.status_code == 303, signed_in.text
        token = self.client.post("/api/auth/token", data={"username": username, "password": PASSWORD})
        self.headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def call(self, method: str, url: str, row: Row, secret: str):
        headers = dict(self.headers) if url.startswith("/api") else {}
        cookie = self.client.cookies.get(SESSION_COOKIE)
        if cookie and not url.startswith("/api"):  # page posts carry the session's CSRF token
            claims = jwt.decode(cookie, secret, algorithms=["HS256"], audience=WEB_AUDIENCE)
            headers["X-CSRF-Token"] = claims["csrf"]
        kwargs = {"json": row.json} if row.json is not None else {"data": row.form} if row.form else {}
        if row.files:
            kwargs["files"] = row.files
        response = self.client.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        if self.role != ANONYMOUS and (SESSION_COOKIE not in self.client.cookies or url == "/api/auth/logout"):
            self.sign_in()  # /logout ended the session, /api/auth/logout revoked the token
        return response


def _answer(response) -> int | str:
    location = response.headers.get("location", "")
    return "login" if response.status_code == 303 and location.startswith("/login?next=") else response.status_code


def test_every_route_has_a_policy_row(app):
    routes = app_routes(app)
    missing = [f"add a policy row for {method} {path}" for method, path in routes if (method, path) not in POLICY]
    stale = [f"remove the policy row for {method} {path}: no such route" for method, path in POLICY
             if (method, path) not in set(routes)]  # fmt: skip
    assert not missing and not stale, "\n".join(missing + stale)


def test_every_route_answers_every_role_as_the_policy_table_says(app, world):
    targets = Targets(world)
    callers = {role: Caller(app, role) for role in ROLES}
    wrong = []
    for method, path in app_routes(app):
        row = POLICY.get((method, path))
        if row is None:
            continue  # test_every_route_has_a_policy_row names it
        scopes = ("own", "other") if any(part in path for part in UNIT_SCOPED) else ("own",)
        for scope in scopes:
            for role in ROLES:
                url = targets.url(path, scope, row.query)
                response = callers[role].call(method, url, row, world.settings.secret_key)
                expected, answer = row.expected(role, scope, path.startswith("/api")), _answer(response)
                if answer != expected:
                    wrong.append(f"{method} {path} as {role} ({scope} unit): {answer}, expected {expected}"
                                 f" — {response.text[:160]!r}")  # fmt: skip
    assert not wrong, f"{len(wrong)} answers differ from the policy table:\n" + "\n".join(wrong)


@pytest.mark.parametrize("username", ["custodian1", "designer1", "admin1"])
def test_custodian_designer_and_admin_get_403_on_the_case_and_task_of_their_unit_as_on_the_api(app, world, username):
    targets = Targets(world)
    caller = Caller(app, next(role for role, user in USERS.items() if user == username))
    case_id, task_id = targets.own["case_id"], targets.own["task_id"]
    with world.factory() as session:
        unit_of_case = session.get(Case, case_id).unit_id
    assert world.actor(username).sees_unit(unit_of_case), "the case is of their unit (or below it)"
    for url in (f"/cases/{case_id}", f"/tasks/{task_id}", f"/api/cases/{case_id}", f"/api/tasks/{task_id}"):
        response = caller.call("GET", url, Row(frozenset(), OK), world.settings.secret_key)
        assert response.status_code == 403, (url, response.text[:200])
        refusal = "may not" if url.startswith("/api") else "không được phép"  # pages speak Vietnamese
        assert refusal in response.text and "officer" in response.text, "the refusal names the roles needed"
