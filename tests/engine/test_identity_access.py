"""Protected identities: only the resolver and the custodian read them, every read is audited, nothing leaks."""

import json

import pytest
from sqlalchemy import select

from engine.core.models import AuditEvent, Case, HumanTask, Matter
from tests.petitions import PETITIONER, RELATIVES, petition_data, triage

NAMES = (PETITIONER["name"], PETITIONER["id_number"], RELATIVES[0]["name"])


def _register_over_api(api) -> dict:
    response = api.post("/api/cases", "officer1", json={"process": "petition_triage", "data": petition_data()})
    assert response.status_code == 201, response.text
    return response.json()


def _accepted_denunciation(api, world) -> tuple[int, int]:
    """A petition registered over the API and accepted as a denunciation: (triage case id, follow-up case id)."""
    triage_id = _register_over_api(api)["id"]
    triage(world, triage_id, "denunciation", "accept")
    with world.factory() as session:
        follow_up = session.scalars(select(Case).where(Case.process_key == "denunciation")).one()
        return triage_id, follow_up.id


def _identity_reads(world) -> list[tuple[int, str]]:
    with world.factory() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.kind == "identity_read").order_by(AuditEvent.id))
        return [(e.case_id, e.actor) for e in events]


def test_no_stored_row_outside_the_vault_holds_a_protected_name(api, world):
    _accepted_denunciation(api, world)
    with world.factory() as session:
        stored = [
            *session.scalars(select(Case.state)),
            *(json.dumps(p, ensure_ascii=False) for p in session.scalars(select(AuditEvent.payload))),
            *(json.dumps(vars(t), default=str, ensure_ascii=False) for t in session.scalars(select(HumanTask))),
            *(m.title + (m.subject_name or "") for m in session.scalars(select(Matter))),
        ]
    assert stored and not [name for name in NAMES for text in stored if name in text]


@pytest.mark.parametrize("username", ["officer1", "lead1"])
def test_officers_and_team_leads_are_refused_the_identity_of_both_cases(api, world, username):
    for case_id in _accepted_denunciation(api, world):
        response = api.get(f"/api/cases/{case_id}/identity", username)
        assert response.status_code == 403 and "người lưu giữ" in response.json()["detail"]
        detail = api.get(f"/api/cases/{case_id}", username).text
        detail += api.get(f"/api/cases/{case_id}/events", username).text
        assert not [name for name in NAMES if name in detail]
    assert _identity_reads(world) == []


def test_the_resolver_and_the_custodian_read_the_copied_identity_and_each_read_is_audited(api, world):
    triage_id, follow_up_id = _accepted_denunciation(api, world)
    for username in ("supervisor1", "custodian1"):
        body = api.get(f"/api/cases/{follow_up_id}/identity", username).json()
        assert body["identity"]["petitioner"]["name"] == PETITIONER["name"]
        assert body["identity"]["relatives"] == RELATIVES
    assert api.get(f"/api/cases/{triage_id}/identity", "supervisor_d2").status_code == 404
    assert _identity_reads(world) == [(follow_up_id, "supervisor1"), (follow_up_id, "custodian1")]


@pytest.fixture
def site(web):
    """A browser signed in as ``username``."""
    return lambda username: web().login(username)


@pytest.mark.parametrize("username", ["officer1", "lead1"])
def test_no_page_shows_a_protected_name_to_officers_or_team_leads(api, world, site, username):
    triage_id, follow_up_id = _accepted_denunciation(api, world)
    second = _register_over_api(api)["id"]
    task = world.ready_task(second, "classify_petition")
    browser = site(username)
    urls = [f"/cases/{triage_id}", f"/cases/{follow_up_id}", f"/cases/{second}", f"/tasks/{task.id}", "/cases",
            "/inbox", "/reception/register", f"/cases/{second}/diagram.bpmn"]  # fmt: skip
    for url in urls:
        page = browser.get(url)
        assert page.status_code == 200, url
        assert not [name for name in NAMES if name in page.text], url
    assert "reveal-identity" not in browser.get(f"/cases/{follow_up_id}").text
    refused = browser.post_form(f"/cases/{follow_up_id}/identity", {}, csrf_from=f"/cases/{follow_up_id}")
    assert refused.status_code == 403 and PETITIONER["name"] not in refused.text


def test_the_identity_page_reveals_the_identity_to_the_custodian_on_request_and_audits_it(api, world, site):
    _, follow_up_id = _accepted_denunciation(api, world)
    custodian = site("custodian1")
    assert custodian.get(f"/cases/{follow_up_id}").status_code == 403, "the custodian has no case pages"
    page = custodian.get(f"/cases/{follow_up_id}/identity")
    assert "reveal-identity" in page.text and PETITIONER["name"] not in page.text
    assert _identity_reads(world) == []
    shown = custodian.post_form(f"/cases/{follow_up_id}/identity", {}, csrf_from=f"/cases/{follow_up_id}/identity")
    assert shown.status_code == 200 and PETITIONER["name"] in shown.text and RELATIVES[0]["name"] in shown.text
    assert _identity_reads(world) == [(follow_up_id, "custodian1")]
