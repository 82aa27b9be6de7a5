"""Pages of reception by leaders, case categories and 1374 grouping; the portal's published reception schedule."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from engine.reception.form import FIRST_DATA_ROW
from tests.cases import start_report
from tests.raw_codes import visible_text
from tests.reception import ward_example


@pytest.fixture
def site(web):
    """A browser signed in as ``username``."""
    return lambda username: web().login(username)


def _cells(html: str, row_label: str) -> list[int]:
    row = re.search(rf"<th scope=\"row\">{re.escape(row_label)}</th>(.*?)</tr>", html, re.S).group(1)
    return [int(value.replace(".", "")) for value in re.findall(r'<td class="number">([^<]+)</td>', row)]


def test_figures_on_screen_are_the_figures_of_the_downloaded_form(site, world):
    ward_example(world)
    supervisor = site("supervisor1")
    query = f"unit={world.units['d1']}&start=2027-03-01&end=2027-03-31"
    page = supervisor.get(f"/reception/figures?{query}")
    assert page.status_code == 200
    workbook = supervisor.get(f"/reception/figures?{query}&format=xlsx")
    sheet = load_workbook(BytesIO(workbook.content)).active
    on_screen = _cells(page.text, "Trong đó: cấp xã")
    in_form = [c.value for c in sheet[FIRST_DATA_ROW + 2]]
    assert in_form[1] == "Trong đó: cấp xã" and in_form[2:] == on_screen
    assert on_screen[10:] == [41, 57, 38, 2, 13]  # visits, people, matters, groups, people in the groups
    assert in_form[1] == "Trong đó: cấp xã" and sheet["A4"].value.endswith("31/03/2027")


def test_a_lead_plans_a_day_and_the_portal_shows_it_with_the_leaders_name_and_title(site, web, world):
    lead = site("lead1")
    held_on = (world.clock.now() + timedelta(days=10)).date()
    day = {"unit_id": str(world.units["d1"]), "held_on": held_on.isoformat(), "kind": "periodic",
           "leader_name": "Lê Văn Cường", "leader_title": "Chủ tịch UBND quận", "place": "Trụ sở tiếp dân"}  # fmt: skip
    planned = lead.post_form("/reception/schedule", day, csrf_from="/reception/schedule")
    assert planned.status_code == 303, planned.text
    refused = lead.post_form("/reception/schedule", {**day, "place": ""}, csrf_from="/reception/schedule")
    assert refused.status_code == 400 and "Thiếu địa điểm" in refused.text
    portal = web().get("/portal/lich-tiep-cong-dan")
    text = visible_text(portal.text)
    assert portal.status_code == 200
    assert "Lê Văn Cường" in text and "Chủ tịch UBND quận" in text and held_on.strftime("%d/%m/%Y") in text
    assert "Định kỳ" in text and "periodic" not in text
    assert "<h2>Đơn vị d1</h2>" in portal.text  # listed by unit


def test_an_officer_records_a_session_and_sees_it_listed(site, world):
    officer = site("officer1")
    session = {"unit_id": str(world.units["w11"]), "held_on": "02/03/2027", "kind": "regular",
               "received_by": "Tổ tiếp", "visits": "2", "people": "9", "matters": "2", "group_sizes": "8"}  # fmt: skip
    recorded = officer.post_form("/reception/sessions", session, csrf_from="/reception/sessions")
    assert recorded.status_code == 303, recorded.text
    bad = officer.post_form("/reception/sessions", {**session, "visits": "hai"}, csrf_from="/reception/sessions")
    assert bad.status_code == 400 and "số nguyên" in bad.text
    listed = visible_text(officer.get("/reception/sessions?start=2027-03-01&end=2027-03-31").text)
    assert "02/03/2027" in listed and "Cấp xã" in listed and "Thường xuyên" in listed and "regular" not in listed


def test_a_lead_flags_a_case_and_the_supervisor_sees_it_on_the_dashboard(site, world):
    case_id = start_report(world)
    lead = site("lead1")
    saved = lead.post_form(f"/cases/{case_id}/categories", {"category": ["mass", "complex"]},
                           csrf_from=f"/cases/{case_id}/categories")  # fmt: skip
    assert saved.status_code == 303
    board = visible_text(site("supervisor1").get("/categories").text)
    assert "Đông người, Phức tạp" in board and "Đang xử lý" in board and "mass" not in board


def test_an_officer_groups_a_1374_report_with_a_similar_one(site, world):
    first, again = start_report(world), start_report(world)
    officer = site("officer1")
    page = officer.get(f"/cases/{again}/categories")
    assert f'name="with_case_id" value="{first}"' in page.text
    grouped = officer.post_form(f"/cases/{again}/matter", {"with_case_id": str(first)},
                                csrf_from=f"/cases/{again}/categories")  # fmt: skip
    assert grouped.status_code == 303 and "matter=" in grouped.headers["location"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_text_of_these_pages_is_translated(site, web, world, lang):
    ward_example(world)
    case_id = start_report(world)
    supervisor = site("supervisor1")
    pages = ["/reception/schedule", "/reception/sessions", "/reception/figures?start=2027-03-01&end=2027-03-31",
             "/categories", f"/cases/{case_id}/categories"]  # fmt: skip
    shown = [supervisor.get(f"{url}{'&' if '?' in url else '?'}lang={lang}") for url in pages]
    shown.append(web().get(f"/portal/lich-tiep-cong-dan?lang={lang}"))
    for response in shown:
        assert response.status_code == 200
        text = visible_text(response.text)
        assert not re.search(r"\b(leaders|categories|portal\.reception)\.\w+", text), text
