"""Portal touches: the citizen picks the receiving unit (no default), "no match" is worded as such, the status
page gives the expected date, and every page has a favicon."""

import re
from datetime import timedelta

from sqlalchemy import select

from engine.core.models import Case
from tests.cases import SCREEN_IN, assign_data, complete
from tests.portal import REPORT_FIELDS, file_on_portal, form_token, look_up, portal_client
from tests.web.test_portal_published import publish

FORM_WAIT = timedelta(seconds=10)


def test_the_filing_form_offers_no_default_unit_and_a_search_box(world):
    with portal_client(world) as client:
        html = client.get("/portal/phan-anh").text
    picker = html[html.index('<select id="unit_id"') : html.index("</select>", html.index('<select id="unit_id"'))]
    assert "selected" in picker and re.search(r'<option value="" selected>', picker), "the placeholder is chosen"
    assert picker.count(" selected") == 1 and "required" in picker
    assert 'id="unit-search"' in html and "/static/portal.js" in html


def test_filing_without_a_unit_is_refused_naming_the_unit_and_keeps_what_was_typed(world):
    with portal_client(world) as client:
        page = client.get("/portal/phan-anh")
        world.clock.advance(FORM_WAIT)
        data = {"website": "", **REPORT_FIELDS, "form_token": form_token(page.text)}
        response = client.post("/portal/phan-anh", data=data)
    assert response.status_code == 422
    assert 'id="unit_id-error"' in response.text and "Chọn cơ quan, đơn vị nhận" in response.text
    assert REPORT_FIELDS["title"] in response.text
    with world.factory() as session:
        assert session.scalars(select(Case)).first() is None


def test_the_chosen_ward_receives_the_case(world):
    with portal_client(world) as client:
        code, _ = file_on_portal(client, world, unit="w12")
    with world.factory() as session:
        assert session.scalars(select(Case.unit_id).where(Case.tracking_code == code)).one() == world.units["w12"]


def test_a_filter_without_matches_says_so_and_not_that_nothing_was_published(world):
    publish(world, ["portal"], summary="Kết quả về thu phí đất đai")
    with portal_client(world) as client:
        no_match = client.get("/portal/cong-khai?q=không-có-gì").text
        everything = client.get("/portal/cong-khai").text
    assert "Không có kết quả công khai nào khớp" in no_match and "Chưa có kết quả nào" not in no_match
    assert "thu phí" in everything and "khớp" not in everything


def test_with_nothing_published_the_page_says_nothing_was_published(world):
    with portal_client(world) as client:
        html = client.get("/portal/cong-khai").text
    assert "Chưa có kết quả nào được công khai" in html and "khớp" not in html


def test_the_status_page_gives_the_expected_date(world):
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world, unit="d1")
        with world.factory() as session:
            case_id = session.scalars(select(Case.id).where(Case.tracking_code == code)).one()
        complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
        complete(world, case_id, "assign_verification", "lead1", assign_data(days=10))
        html = look_up(client, code, secret).text
        task = world.ready_task(case_id, "verify_report")
        expected = task.due_at.astimezone(world.services.calendar.zone).strftime("%d/%m/%Y")
        assert re.search(rf'id="expected-date">{expected}<', html), "the verification deadline, dd/mm/yyyy"
        answer = client.post("/api/portal/lookup", json={"tracking_code": code, "secret": secret})
    assert answer.status_code == 200
    assert answer.json()["expected_on"] == task.due_at.astimezone(world.services.calendar.zone).date().isoformat()


def test_the_portal_and_the_staff_pages_link_a_favicon(world, web):
    with portal_client(world) as client:
        assert 'rel="icon"' in client.get("/portal").text
        icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.lstrip().startswith("<svg")
    assert 'href="/static/favicon.svg"' in web().login("officer1").get("/inbox").text
