"""Web pages of complaints and denunciations: their task forms render and submit, the case page hides the denouncer."""

from tests import denunciations as d
from tests.cases import written_on_or_before_today

DENOUNCER = "Trần Thị Y"


def test_an_officer_takes_a_denunciation_through_its_task_pages(web, world):
    case_id = d.start_denunciation(world)
    officer = web().login("officer1")
    check_id = world.ready_task(case_id, "check_acceptance").id
    page = officer.get(f"/tasks/{check_id}")
    assert page.status_code == 200
    assert "Phân loại, kiểm tra điều kiện thụ lý" in page.text and "(3) Thuộc thẩm quyền giải quyết" in page.text
    assert DENOUNCER not in page.text
    conditions = {key: str(value).lower() for key, value in d.CONDITIONS_MET.items()}
    done = officer.post_form(f"/tasks/{check_id}", conditions, csrf_from=f"/tasks/{check_id}")
    assert done.status_code == 303, done.text

    notify_id = world.ready_task(case_id, "notify_acceptance").id
    assert "Người bị tố cáo" in officer.get(f"/tasks/{notify_id}").text
    typed = {**written_on_or_before_today(world, d.NOTIFY), "notified_parties": ["denouncer", "accused"]}
    done = officer.post_form(f"/tasks/{notify_id}", typed, csrf_from=f"/tasks/{notify_id}")
    assert done.status_code == 303, done.text
    assert world.ready_task(case_id, "verify_denunciation") is not None

    case_page = officer.get(f"/cases/{case_id}")
    assert case_page.status_code == 200 and "Xác minh nội dung tố cáo" in case_page.text
    assert DENOUNCER not in case_page.text
    assert "Tiếp công dân trực tiếp" in case_page.text, "the reception channel is shown by its label"
    diagram = officer.get(f"/cases/{case_id}/diagram.bpmn")
    assert diagram.status_code == 200 and 'id="extend_deadline"' in diagram.text


def test_a_complex_complaint_without_a_reason_shows_the_error_next_to_the_field(web, world):
    from tests import complaints as k

    case_id = k.start_complaint(world)
    officer = web().login("officer1")
    task_id = world.ready_task(case_id, "accept_complaint").id
    typed = {"accepted": "true", "accepted_on": "2027-02-02", "complex": "true"}
    response = officer.post_form(f"/tasks/{task_id}", typed, csrf_from=f"/tasks/{task_id}")
    assert response.status_code == 422
    assert 'id="f-complexity_reason-error"' in response.text
    assert world.ready_task(case_id, "accept_complaint").id == task_id
