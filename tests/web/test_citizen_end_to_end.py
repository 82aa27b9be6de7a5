"""Issue 7 end to end: a citizen files a denunciation on the portal and follows it to its published result.

The petition appears in triage, is accepted as a denunciation, is extended once, is concluded "partly true" and is
published. Along the way every API answer and every page is read for the denouncer's name: only the resolver
(supervisor1) and the custodian (custodian1) ever see it, and each of their reads is in the audit trail.
"""

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from engine.core.models import AuditEvent, Case, CaseTimer, EmailOutbox, HumanTask
from tests import denunciations as steps
from tests.cases import written_on_or_before_today
from tests.factories import PASSWORD
from tests.portal import PETITION_FIELDS, file_on_portal, form_token, portal_client
from tests.web_session import Browser

DENOUNCER = {"petitioner.name": "Hoàng Thị Người Tố Cáo", "petitioner.email": "totocao@example.org"}
NAME = DENOUNCER["petitioner.name"]


class Witness:
    """Everything that staff and the public were shown, kept to search for the denouncer's name afterwards."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def keep(self, who: str, response) -> object:
        assert response.status_code < 400, (response.status_code, response.text[:500])
        self.seen.append((who, response.text))
        return response

    def who_saw(self, text: str) -> set[str]:
        return {who for who, body in self.seen if text in body}


class Staff:
    """Staff members working over the REST API with bearer tokens; every answer goes to the witness."""

    def __init__(self, client: TestClient, witness: Witness) -> None:
        self.client, self.witness, self.tokens = client, witness, {}

    def _headers(self, user: str) -> dict:
        if user not in self.tokens:
            answer = self.client.post("/api/auth/token", data={"username": user, "password": PASSWORD})
            self.tokens[user] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, user: str, url: str, **params):
        return self.witness.keep(user, self.client.get(url, headers=self._headers(user), params=params))

    def complete(self, user: str, case_id: int, spec_name: str, data: dict) -> dict:
        """Find the open task in the user's inbox and submit its form."""
        inbox = self.get(user, "/api/tasks", case_id=case_id).json()["items"]
        task = next(t for t in inbox if t["spec_name"] == spec_name)
        self.get(user, f"/api/tasks/{task['id']}")
        self.get(user, f"/api/tasks/{task['id']}/form")
        answer = self.client.post(f"/api/tasks/{task['id']}/complete", headers=self._headers(user), json={"data": data})
        return self.witness.keep(user, answer).json()


def _due_of(world, case_id: int, spec_name: str):
    with world.factory() as session:
        return session.scalars(
            select(HumanTask.due_at).where(
                HumanTask.case_id == case_id, HumanTask.spec_name == spec_name, HumanTask.state == "ready"
            )
        ).one()


def _stored_texts(world) -> list[str]:
    """Every place outside the vault where a name could have been written."""
    with world.factory() as session:
        return [
            *session.scalars(select(Case.state)),
            *(c.title + (c.subject_name or "") for c in session.scalars(select(Case))),
            *(json.dumps(p, ensure_ascii=False) for p in session.scalars(select(AuditEvent.payload))),
            *(json.dumps(vars(t), default=str, ensure_ascii=False) for t in session.scalars(select(HumanTask))),
            *(json.dumps(vars(t), default=str, ensure_ascii=False) for t in session.scalars(select(CaseTimer))),
            *(m.subject + m.body for m in session.scalars(select(EmailOutbox))),
        ]


def test_a_portal_denunciation_is_triaged_extended_concluded_published_and_read_back_by_the_citizen(world):
    witness = Witness()
    portal = portal_client(world)
    app = create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)
    staff = Staff(TestClient(app), witness)

    # The citizen files on the portal and keeps the tracking code and the secret.
    code, secret = file_on_portal(portal, world, "gui-don", {**PETITION_FIELDS, **DENOUNCER}, unit="d1")
    assert code.startswith("DT-") and secret

    # The petition appears in the triage inbox of the unit's officers, then is accepted as a denunciation.
    inbox = staff.get("officer1", "/api/tasks").json()["items"]
    triage_task = next(t for t in inbox if t["tracking_code"] == code)
    assert triage_task["spec_name"] == "classify_petition"
    triage_id = triage_task["case_id"]
    staff.get("officer1", f"/api/cases/{triage_id}/duplicate-candidates")
    staff.complete("officer1", triage_id, "classify_petition", {"classification": "denunciation"})
    staff.complete("officer1", triage_id, "decide_jurisdiction", {"decision": "accept"})
    triage_case = staff.get("officer1", f"/api/cases/{triage_id}").json()
    assert triage_case["status"] == "completed"
    with world.factory() as session:
        denunciation = session.scalars(select(Case).where(Case.process_key == "denunciation")).one()
    case_id = denunciation.id
    assert denunciation.tracking_code.startswith("TC-")

    # Accepted, notified, then extended once (complex): the resolution deadline moves 30 days.
    staff.complete("officer1", case_id, "check_acceptance", steps.CONDITIONS_MET)
    staff.complete("officer1", case_id, "notify_acceptance", written_on_or_before_today(world, steps.NOTIFY))
    first_deadline = _due_of(world, case_id, "verify_denunciation")
    more_time = {"findings": "Cần xác minh thêm.", "next_step": "request_extension"}
    staff.complete("officer1", case_id, "verify_denunciation", more_time)
    extension = {
        "extension_decision_number": "1/QĐ-GH",
        "extension_decided_on": "2027-03-01",
        "complexity": "complex",
        "extension_reason": "Cần xác minh tại nhiều nơi.",
    }
    staff.complete("supervisor1", case_id, "extend_deadline", extension)
    assert _due_of(world, case_id, "verify_denunciation") == first_deadline + timedelta(days=30)

    # Concluded "partly true" and published on the portal.
    staff.complete("officer1", case_id, "verify_denunciation", steps.VERIFY)
    conclusion = {"conclusion_result": "partly_true", "conclusion": "Tố cáo đúng một phần."}
    conclusion.update(steps.CONCLUSIONS["partly_true"])
    staff.complete("officer1", case_id, "conclude_denunciation", conclusion)
    staff.complete("officer1", case_id, "publicize_conclusion", steps.PUBLICIZE)
    done = staff.get("supervisor1", f"/api/cases/{case_id}").json()
    assert done["status"] == "completed"
    for user in ("officer1", "lead1", "supervisor1"):
        staff.get(user, f"/api/cases/{case_id}")
        staff.get(user, f"/api/cases/{case_id}/events")
        staff.get(user, "/api/cases", q="Tố cáo")

    # The staff web pages of both cases, as an officer and as the resolver (who has not asked for the identity).
    for user in ("officer1", "supervisor1"):
        browser = Browser(TestClient(app, cookies={})).login(user)
        for url in (f"/cases/{triage_id}", f"/cases/{case_id}", "/cases", "/inbox", "/reception/register"):
            witness.keep(user, browser.get(url))

    # The citizen reads the status with code and secret, then the published result.
    lookup = portal.get("/portal/tra-cuu")
    assert lookup.status_code == 200
    status = portal.post("/portal/tra-cuu", data={"code": code, "secret": secret, **_token_of(lookup.text)})
    witness.keep("citizen", status)
    published = witness.keep("citizen", portal.get("/portal/cong-khai", params={"q": "đúng một phần"}))
    assert denunciation.tracking_code in published.text
    assert steps.PUBLICIZE["summary"] in published.text

    # Only now do the resolver and the custodian read the identity; both reads are audited.
    for reader in ("supervisor1", "custodian1"):
        identity = staff.get(reader, f"/api/cases/{case_id}/identity").json()["identity"]
        assert identity["petitioner"]["name"] == NAME
    for refused in ("officer1", "lead1"):
        assert staff.client.get(f"/api/cases/{case_id}/identity", headers=staff._headers(refused)).status_code == 403

    assert witness.who_saw(NAME) == {"supervisor1", "custodian1"}
    assert not [text for text in _stored_texts(world) if NAME in text]
    with world.factory() as session:
        readers = set(session.scalars(select(AuditEvent.actor).where(AuditEvent.kind == "identity_read")))
    assert readers == {"supervisor1", "custodian1"}
    for case in (triage_id, case_id):
        assert staff.get("supervisor1", f"/api/cases/{case}/events/verify").json()["valid"] is True


def _token_of(html: str) -> dict:
    return {"form_token": form_token(html), "website": ""}
