"""Pages: the supervisor's list of cases stopped by an error, and "Trả lại" on the inbox and the task page."""

from sqlalchemy import select

from engine.core.models import AuditEvent, Case
from tests.cases import start_report
from tests.engine.test_recovery import stuck_case


def test_the_supervisor_sees_stuck_cases_and_cancels_one_with_a_reason(web, world):
    case_id = stuck_case(world)
    with world.factory() as session:
        case = session.get(Case, case_id)
        code, since = case.tracking_code, case.updated_at
    supervisor = web().login("supervisor1")
    home = supervisor.get("/inbox")
    assert 'href="/cases/stuck"' in home.text and "Hồ sơ lỗi" in home.text
    page = supervisor.get("/cases/stuck")
    assert page.status_code == 200 and "Hồ sơ bị dừng do lỗi" in page.text
    assert code in page.text and "ZeroDivisionError" in page.text and "divide_by_zero" in page.text
    assert "Kiểm thử: lỗi trong script" in page.text  # the process by its name
    assert since.astimezone(world.services.calendar.zone).strftime("%d/%m/%Y") in page.text
    retried = supervisor.post_form(f"/cases/{case_id}/retry", {"reason": "Thử lại"}, csrf_from="/cases/stuck")
    assert retried.status_code == 303 and retried.headers["location"] == "/cases/stuck?done=still_error"
    cancelled = supervisor.post_form(f"/cases/{case_id}/cancel", {"reason": "Hủy"}, csrf_from="/cases/stuck")
    assert cancelled.status_code == 303
    after = supervisor.get("/cases/stuck?done=cancelled")
    assert "Đã hủy hồ sơ." in after.text and code not in after.text
    with world.factory() as session:
        assert session.get(Case, case_id).status == "cancelled"
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.case_id == case_id)))
        assert kinds.count("case_retried") == 1 and kinds[-1] == "case_cancelled"
    case_page = supervisor.get(f"/cases/{case_id}")
    assert case_page.status_code == 200 and "Đã hủy" in case_page.text
    listed = supervisor.get("/cases?status=cancelled")
    assert listed.status_code == 200 and code in listed.text


def test_an_officer_does_not_see_the_stuck_cases_page_or_its_link(web, world):
    stuck_case(world)
    officer = web().login("officer1")
    assert 'href="/cases/stuck"' not in officer.get("/inbox").text
    assert officer.get("/cases/stuck").status_code == 403


def test_the_assignee_gives_a_claimed_task_back_from_the_inbox(web, world):
    case_id = start_report(world)
    task_id = world.ready_task(case_id).id
    officer = web().login("officer1")
    assert officer.post_form(f"/tasks/{task_id}/claim", {}, csrf_from="/inbox").status_code == 303
    assert f'action="/tasks/{task_id}/unclaim"' in officer.get("/inbox?tab=mine").text
    assert f'action="/tasks/{task_id}/unclaim"' in officer.get(f"/tasks/{task_id}").text
    given_back = officer.post_form(f"/tasks/{task_id}/unclaim", {}, csrf_from="/inbox")
    assert given_back.status_code == 303 and given_back.headers["location"] == "/inbox?tab=group"
    assert world.ready_task(case_id).assignee is None
    assert f'action="/tasks/{task_id}/unclaim"' not in officer.get("/inbox").text
