"""The case page's decisions: a team lead suspends, resumes and ends a case from its page; the timeline says so in
words (never a raw code); officers see no decision form."""

from datetime import UTC, datetime

from sqlalchemy import select

from engine.core.models import Unit
from tests import complaints as k
from tests.petitions import case_row, waiting_timers
from tests.web_session import Browser

MONDAY_25_JANUARY = datetime(2027, 1, 25, 2, 0, tzinfo=UTC)


def signed_in(web, username: str) -> Browser:
    return web().login(username)


def test_a_team_lead_suspends_and_resumes_a_complaint_from_its_page(world, web):
    world.clock.set(MONDAY_25_JANUARY)
    case_id = k.start_complaint(world, received_on="2027-01-25")
    lead = signed_in(web, "lead1")
    page = lead.get(f"/cases/{case_id}").text
    assert "Tạm đình chỉ" in page and f'action="/cases/{case_id}/suspend"' in page
    world.clock.set(datetime(2027, 2, 1, 2, 0, tzinfo=UTC))
    reason = "Chờ kết quả giám định của cơ quan chuyên môn"
    done = lead.post_form(f"/cases/{case_id}/suspend", {"reason": reason, "decided_on": "2027-02-01"},
                          csrf_from=f"/cases/{case_id}")  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].startswith(f"/cases/{case_id}?decided=suspended")
    page = lead.get(f"/cases/{case_id}?decided=suspended").text
    assert "Đã tạm đình chỉ giải quyết hồ sơ." in page and 'id="suspended-note"' in page
    assert "Tạm đình chỉ giải quyết" in page and "quyết định ngày 01/02/2027" in page and reason in page
    assert "case_suspended" not in page and ">suspended<" not in page
    assert f'action="/cases/{case_id}/resume"' in page and f'action="/cases/{case_id}/suspend"' not in page

    world.clock.set(datetime(2027, 2, 13, 2, 0, tzinfo=UTC))
    done = lead.post_form(f"/cases/{case_id}/resume", {"reason": "Đã có kết quả giám định", "decided_on": "2027-02-13"},
                          csrf_from=f"/cases/{case_id}")  # fmt: skip
    assert done.status_code == 303
    page = lead.get(f"/cases/{case_id}").text
    assert "Tiếp tục giải quyết" in page and "thời hạn lùi 12 ngày (5 ngày làm việc)" in page
    assert waiting_timers(world, case_id)["accept_complaint_escalation"].fire_at.astimezone(UTC).day == 16


def test_a_future_date_on_the_page_is_refused_with_the_reason(world, web):
    world.clock.set(MONDAY_25_JANUARY)
    case_id = k.start_complaint(world, received_on="2027-01-25")
    lead = signed_in(web, "lead1")
    refused = lead.post_form(f"/cases/{case_id}/withdraw", {"reason": "Rút đơn", "decided_on": "2027-03-01"},
                             csrf_from=f"/cases/{case_id}")  # fmt: skip
    assert refused.status_code == 400 and "01/03/2027" in refused.text
    assert case_row(world, case_id).status == "in_progress"
    withdrawal = {"reason": "Người khiếu nại rút đơn", "decided_on": "2027-01-25"}
    done = lead.post_form(f"/cases/{case_id}/withdraw", withdrawal, csrf_from=f"/cases/{case_id}")
    assert done.status_code == 303
    page = lead.get(f"/cases/{case_id}").text
    assert "Đã rút đơn" in page and 'id="ended-note"' in page and 'id="decisions"' not in page


def test_an_officer_sees_no_decision_form(world, web):
    world.clock.set(MONDAY_25_JANUARY)
    case_id = k.start_complaint(world, received_on="2027-01-25")
    officer = signed_in(web, "officer1")
    assert 'id="decisions"' not in officer.get(f"/cases/{case_id}").text
    refused = officer.post_form(f"/cases/{case_id}/suspend", {"reason": "x", "decided_on": "2027-01-25"},
                                csrf_from=f"/cases/{case_id}")  # fmt: skip
    assert refused.status_code == 403


def test_an_admin_marks_a_unit_as_a_remote_area_on_the_units_page(world, web):
    admin = signed_in(web, "admin1")
    page = admin.get("/admin/units").text
    assert "Vùng sâu, vùng xa" in page
    done = admin.post_form("/admin/units/w11", {"name": "Đơn vị w11", "parent": "d1", "remote_area": "on"},
                           csrf_from="/admin/units")  # fmt: skip
    assert done.status_code == 303
    with world.factory() as session:
        assert session.scalars(select(Unit.remote_area).where(Unit.code == "w11")).one() is True
    row = admin.get("/admin/units").text.split('id="unit-w11"')[1].split("</tr>")[0]
    assert 'name="remote_area" checked' in row and '<span class="badge">Vùng sâu, vùng xa</span>' in row
    admin.post_form("/admin/units/w11", {"name": "Đơn vị w11", "parent": "d1"}, csrf_from="/admin/units")
    with world.factory() as session:
        assert session.scalars(select(Unit.remote_area).where(Unit.code == "w11")).one() is False
