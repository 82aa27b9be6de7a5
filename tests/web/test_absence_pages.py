"""Pages: declaring an absence with a deputy, handing the open tasks over, and a lead's bulk reassign."""

from datetime import timedelta

from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import Absence, HumanTask, User
from tests.engine.test_delegation import assignees, claimed_screening


def name_people(world) -> None:
    """Give the officers full names, as a real directory has."""
    with transaction(world.factory) as session:
        for username, full_name in (("officer1", "Nguyễn Văn An"), ("officer2", "Trần Thị Bình")):
            session.scalars(select(User).where(User.username == username)).one().full_name = full_name


def test_an_officer_declares_an_absence_and_hands_over_from_the_page(web, world):
    name_people(world)
    case_id, task_id = claimed_screening(world)
    officer = web().login("officer1")
    inbox = officer.get("/inbox")
    assert 'href="/absences"' in inbox.text and "Vắng mặt / ủy quyền" in inbox.text
    page = officer.get("/absences")
    assert page.status_code == 200 and "Trần Thị Bình" in page.text and "Chưa có khai báo vắng mặt nào." in page.text
    first = world.clock.now().astimezone(world.services.calendar.zone).date()
    last = first + timedelta(days=4)
    form = {"username": "officer1", "starts_on": first.isoformat(), "ends_on": last.strftime("%d/%m/%Y"),
            "deputy": "officer2", "reason": "Nghỉ ốm"}  # fmt: skip
    declared = officer.post_form("/absences", form, csrf_from="/absences")
    assert declared.status_code == 303 and declared.headers["location"] == "/absences?done=declared"
    listed = officer.get("/absences?done=declared").text
    assert "Đã khai báo vắng mặt." in listed and f"{first:%d/%m/%Y} – {last:%d/%m/%Y}" in listed
    assert "Nguyễn Văn An" in listed and "Đang vắng" in listed and "officer2" not in listed.split("<table")[1]
    with world.factory() as session:
        absence_id = session.scalars(select(Absence.id)).one()
    handed = officer.post_form(f"/absences/{absence_id}/hand-over", {}, csrf_from="/absences")
    assert handed.status_code == 200 and "Đã bàn giao 1 việc cho người được ủy quyền; 0 việc giữ lại." in handed.text
    assert assignees(world, task_id) == ["officer2"]
    assert "Bàn giao việc khi vắng mặt" in officer.get(f"/cases/{case_id}").text  # the case's timeline says so
    cancelled = officer.post_form(f"/absences/{absence_id}/cancel", {}, csrf_from="/absences")
    assert cancelled.status_code == 303
    assert "Đã hủy" in officer.get("/absences?done=cancelled").text


def test_a_refused_absence_is_explained_in_vietnamese_and_the_form_keeps_what_was_typed(web, world):
    officer = web().login("officer1")
    day = world.clock.now().astimezone(world.services.calendar.zone).date()
    form = {"starts_on": day.isoformat(), "ends_on": day.isoformat(), "deputy": "officer_d2", "reason": "Học tập"}
    refused = officer.post_form("/absences", form, csrf_from="/absences")
    assert refused.status_code == 400
    assert "Người được ủy quyền phải cùng đơn vị với người vắng mặt." in refused.text and "Học tập" in refused.text
    bad_date = officer.post_form("/absences", {**form, "ends_on": "31/02/2027"}, csrf_from="/absences")
    assert bad_date.status_code == 400 and "Ngày không hợp lệ: 31/02/2027" in bad_date.text
    english = officer.get("/absences?lang=en")
    assert "Absences and deputies" in english.text


def test_a_team_lead_reassigns_several_tasks_with_checkboxes(web, world):
    name_people(world)
    tasks = [claimed_screening(world)[1] for _ in range(2)]
    lead = web().login("lead1")
    assert 'href="/team"' in lead.get("/inbox").text
    page = lead.get("/team")
    assert page.status_code == 200 and all(f'value="{t}"' in page.text for t in tasks)
    assert "Nguyễn Văn An" in page.text  # the holder by name
    refused = lead.post_form("/team/reassign", {"assignee": "officer2"}, csrf_from="/team")
    assert refused.status_code == 400 and "Chọn ít nhất một việc để giao lại." in refused.text
    response = lead.client.post(
        "/team/reassign", data={"task_id": tasks, "assignee": "officer2", "csrf_token": lead.csrf("/team")},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/team?done=2"
    assert "Đã giao lại 2 việc." in lead.get("/team?done=2").text
    assert assignees(world, *tasks) == ["officer2", "officer2"]
    officer = web().login("officer1")
    assert 'href="/team"' not in officer.get("/inbox").text and officer.get("/team").status_code == 403
    with world.factory() as session:
        assert session.scalars(select(HumanTask.assignee).where(HumanTask.id.in_(tasks))).all() == ["officer2"] * 2
