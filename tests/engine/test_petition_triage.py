"""Petition triage (petition_triage.bpmn): every path, matters, guide-once, tracked transfers, the 10-day timers."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from engine.core.db import transaction
from engine.core.errors import InvalidFormData
from engine.core.models import AuditEvent, Case, CaseTimer, HumanTask, Matter, ProcessDefinition, ProtectedIdentity
from engine.petitions.matters import petitions_in
from tests.cases import complete
from tests.petitions import case_by_code, petition_data, register_petition, triage
from tests.timers import fire_due_timers


def _case(world, case_id: int) -> Case:
    with world.factory() as session:
        return session.get(Case, case_id)


def _events(world, case_id: int) -> list[AuditEvent]:
    with world.factory() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq)))


def _data(world, case_id: int) -> dict:
    from engine.cases.runtime import CaseRuntime

    with world.factory() as session:
        return CaseRuntime(session, world.services).current_data(session.get(Case, case_id))


def test_registering_a_petition_opens_a_matter_and_the_classify_task(world):
    case = register_petition(world)
    assert case.tracking_code.startswith("DT-")
    stored = _case(world, case.id)
    with world.factory() as session:
        matter = session.get(Matter, stored.matter_id)
        assert (petitions_in(session, matter.id), matter.subject_name) == (1, "Nguyễn Văn X")
    task = world.ready_task(case.id)
    assert task.spec_name == "classify_petition" and task.due_at is not None
    assert _data(world, case.id)["petitioner"] == "(được bảo vệ)"


def test_accepted_complaint_starts_the_follow_up_case_with_the_identity_copied(world):
    case = register_petition(world, petition_data(kind_claimed="complaint"))
    done = triage(world, case.id, "complaint", "accept")
    assert done.status == "completed"
    code = _data(world, case.id)["follow_up_case"]
    assert code.startswith("KN-")
    follow_up = case_by_code(world, code)
    assert follow_up.process_key == "complaint" and follow_up.matter_id == _case(world, case.id).matter_id
    data = _data(world, follow_up.id)
    assert data["triage_case"] == case.tracking_code and data["petitioner"] == "(được bảo vệ)"
    assert "anonymous" not in data
    with world.factory() as session:
        original = session.get(ProtectedIdentity, case.id).ciphertext
        assert session.get(ProtectedIdentity, follow_up.id).ciphertext == original
        identity = world.services.identities.open(session, session.get(Case, follow_up.id))
    assert identity["petitioner"]["name"] == "Lê Thị Tố Cáo"
    assert any(e.kind == "follow_up_opened" and e.payload["case"] == code for e in _events(world, case.id))
    started = _events(world, follow_up.id)[0]
    assert started.kind == "case_started" and started.payload["opened_from"] == case.tracking_code


def test_accepted_denunciation_without_the_follow_up_process_stops_in_error_keeping_the_data(world):
    with transaction(world.factory) as session:
        session.execute(delete(ProcessDefinition).where(ProcessDefinition.key == "denunciation"))
    case = register_petition(world)
    done = triage(world, case.id, "denunciation", "accept")
    assert done.status == "error"
    assert "denunciation" in done.error_message and "chưa được triển khai" in done.error_message
    assert _data(world, case.id)["decision"] == "accept"
    with world.factory() as session:
        assert session.scalars(select(Case).where(Case.process_key == "denunciation")).first() is None


def test_duplicate_joins_the_existing_matter_and_reports_count_petitions_and_matters(world):
    first = register_petition(world)
    first_matter = _case(world, first.id).matter_id
    second = register_petition(world)
    own_matter = _case(world, second.id).matter_id
    done = triage(world, second.id, "duplicate", "file", duplicate_of=first_matter)
    assert done.status == "completed"
    assert _case(world, second.id).matter_id == first_matter
    with world.factory() as session:
        assert petitions_in(session, first_matter) == 2
        assert session.get(Matter, own_matter) is None
        from engine.petitions.matters import petition_counts

        day = world.clock.now().date()
        counts = petition_counts(session, set(world.units.values()), day, day, world.services.calendar.zone)
    assert (counts.petitions, counts.matters) == (2, 1)


def test_duplicate_of_an_unknown_matter_is_refused_on_the_field(world):
    case = register_petition(world)
    with pytest.raises(InvalidFormData) as refused:
        triage(world, case.id, "duplicate", duplicate_of=99999)
    assert refused.value.errors[0].field == "duplicate_of"


def test_the_sender_is_guided_once_per_matter(world):
    first = register_petition(world)
    assert triage(world, first.id, "proposal", "guide", guidance="Gửi đơn đến UBND quận").status == "completed"
    matter = _case(world, first.id).matter_id
    second = register_petition(world)
    triage(world, second.id, "duplicate", duplicate_of=matter)
    with pytest.raises(InvalidFormData) as refused:
        complete(world, second.id, "decide_jurisdiction", "officer1", {"decision": "guide", "guidance": "Lần hai"})
    assert refused.value.errors[0].field == "decision"
    assert "đã được hướng dẫn" in refused.value.errors[0].message
    assert complete(world, second.id, "decide_jurisdiction", "officer1", {"decision": "file"}).status == "completed"


def test_transfer_waits_for_the_competent_bodys_reply_with_a_reminder(world):
    case = register_petition(world)
    triage(world, case.id, "complaint", "transfer", competent_body="UBND Quận 3")
    task = world.ready_task(case.id)
    assert task.spec_name == "record_transfer_reply"
    world.clock.advance(timedelta(days=30))
    fire_due_timers(world.factory, world.services)
    assert world.ready_task(case.id).reminded_at is not None
    reply = {"reply_received_on": "2027-04-01", "reply_summary": "Đã thụ lý"}
    assert complete(world, case.id, "record_transfer_reply", "officer1", reply).status == "completed"


def test_proposal_accept_closes_with_a_reply_note(world):
    case = register_petition(world, petition_data(kind_claimed="proposal"))
    done = triage(world, case.id, "proposal", "accept", reply_note="Đã tiếp thu kiến nghị")
    assert done.status == "completed" and _data(world, case.id)["reply_note"] == "Đã tiếp thu kiến nghị"


def test_ineligible_petition_closes_at_classification(world):
    case = register_petition(world)
    assert triage(world, case.id, "ineligible", reason="Đơn không ký tên").status == "completed"


def test_ten_working_day_deadline_reminds_at_80_percent_and_escalates_to_the_supervisor(world):
    case = register_petition(world)
    task = world.ready_task(case.id)
    with world.factory() as session:
        timers = {t.role: t for t in session.scalars(select(CaseTimer).where(CaseTimer.case_id == case.id))}
    assert set(timers) == {"reminder", "escalation"} and task.due_at == timers["escalation"].fire_at
    assert timedelta(days=13) < timers["escalation"].fire_at - world.clock.now() < timedelta(days=17)
    world.clock.set(timers["reminder"].fire_at + timedelta(minutes=1))
    fire_due_timers(world.factory, world.services)
    assert world.ready_task(case.id, "classify_petition").reminded_at is not None
    world.clock.set(timers["escalation"].fire_at + timedelta(minutes=1))
    fire_due_timers(world.factory, world.services)
    assert world.ready_task(case.id, "classify_petition").escalated
    follow_up = world.ready_task(case.id, "follow_up_overdue_triage")
    assert follow_up.lane == "supervisor"
    with world.factory() as session:
        assert session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).first() is not None


def test_the_periodic_report_counts_petitions_and_matters_separately(world):
    from engine.reports.periods import month_period
    from engine.reports.summary import build_summary

    first = register_petition(world)
    second = register_petition(world)
    triage(world, second.id, "duplicate", "file", duplicate_of=_case(world, first.id).matter_id)
    register_petition(world, petition_data(title="Khiếu nại về học phí"))
    local = world.clock.now().astimezone(world.services.calendar.zone)
    with world.factory() as session:
        summary = build_summary(
            session, world.services.forms, unit_id=world.units["city"], period=month_period(local.year, local.month),
            zone=world.services.calendar.zone, now=world.clock.now(),
        )  # fmt: skip
    figures = {f.key: f.value for s in summary.sections for f in s.figures}
    assert (figures["petitions.received"], figures["petitions.matters"]) == (3, 2)


def test_matters_over_the_api_list_their_petitions(api, world):
    first = register_petition(world)
    second = register_petition(world)
    matter_id = _case(world, first.id).matter_id
    triage(world, second.id, "duplicate", "file", duplicate_of=matter_id)
    assert api.get(f"/api/cases/{second.id}", "officer1").json()["matter_id"] == matter_id
    body = api.get(f"/api/matters/{matter_id}", "officer1").json()
    assert body["petitions"] == [first.tracking_code, second.tracking_code] and body["petition_count"] == 2
    assert api.get(f"/api/matters/{matter_id}", "officer_d2").status_code == 404


def test_an_anonymous_petition_leads_to_an_anonymous_follow_up_without_an_identity_row(world):
    anonymous = {k: v for k, v in petition_data().items() if k not in ("petitioner", "relatives")}
    case = register_petition(world, anonymous)
    triage(world, case.id, "denunciation", "accept")
    follow_up = case_by_code(world, _data(world, case.id)["follow_up_case"])
    assert _data(world, follow_up.id)["anonymous"] is True
    with world.factory() as session:
        assert session.get(ProtectedIdentity, follow_up.id) is None


def test_a_petition_cannot_join_a_matter_of_an_unrelated_unit(world):
    other = register_petition(world, username="officer_d2")
    case = register_petition(world)
    with pytest.raises(InvalidFormData) as refused:
        triage(world, case.id, "duplicate", duplicate_of=_case(world, other.id).matter_id)
    assert "không tồn tại" in refused.value.errors[0].message
