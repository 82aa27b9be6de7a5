"""Reception by leaders and case categories over JSON: the same rules and figures as the engine."""

from io import BytesIO

from openpyxl import load_workbook

from engine.reception.form import FIRST_DATA_ROW
from tests.cases import start_report
from tests.reception import ward_example

DAY = {"unit_id": 0, "held_on": "2099-03-16", "kind": "periodic", "leader_name": "Lê Văn Cường",
       "leader_title": "Chủ tịch UBND quận", "place": "Trụ sở tiếp công dân quận"}  # fmt: skip


def test_a_lead_plans_a_day_that_staff_read_and_the_portal_publishes(api, world):
    day = {**DAY, "unit_id": world.units["d1"], "online": True, "partner_unit_id": world.units["w11"]}
    planned = api.post("/api/reception/schedule", "lead1", json=day)
    assert planned.status_code == 201, planned.text
    assert planned.json()["partner_unit_name"] == "Đơn vị w11"
    refused = api.post("/api/reception/schedule", "officer1", json=day)
    unknown_kind = api.post("/api/reception/schedule", "lead1", json={**day, "kind": "weekly"})
    assert refused.status_code == 403 and unknown_kind.status_code == 400 and "weekly" in unknown_kind.text
    staff = api.get("/api/reception/schedule?start=2099-03-01&end=2099-03-31", "officer1").json()
    public = api.client.get("/api/portal/reception-schedule")
    assert [d["leader_name"] for d in staff] == ["Lê Văn Cường"]
    assert public.status_code == 200 and public.json() == []  # 2099 is past the 60 days published


def test_a_session_is_recorded_with_its_petitions_and_bad_counts_are_named(api, world):
    case_id = start_report(world)
    code = api.get(f"/api/cases/{case_id}", "officer1").json()["tracking_code"]
    body = {"unit_id": world.units["w11"], "held_on": "2027-03-02", "kind": "regular", "received_by": "Tổ tiếp dân",
            "visits": 2, "people": 9, "matters": 2, "group_sizes": [8], "tracking_codes": [code]}  # fmt: skip
    recorded = api.post("/api/reception/sessions", "officer1", json=body)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["level"] == "ward" and recorded.json()["tracking_codes"] == [code]
    events = api.get(f"/api/cases/{case_id}/events", "officer1").json()
    assert events[-1]["kind"] == "reception_session_linked" and events[-1]["payload"]["held_on"] == "2027-03-02"
    too_few = api.post("/api/reception/sessions", "officer1", json={**body, "people": 1})
    other_unit = api.post("/api/reception/sessions", "officer_d2", json=body)
    assert too_few.status_code == 400 and "ít hơn số lượt" in too_few.json()["detail"]
    assert other_unit.status_code == 403
    listed = api.get("/api/reception/sessions?start=2027-03-01&end=2027-03-31", "lead1").json()
    assert [(s["visits"], s["people"]) for s in listed] == [(2, 9)]


def test_figures_over_rest_equal_the_reception_form(api, world):
    ward_example(world)
    query = f"unit={world.units['d1']}&start=2027-03-01&end=2027-03-31"
    figures = api.get(f"/api/reception/figures?{query}", "supervisor1").json()
    workbook = api.get(f"/api/reception/figures.xlsx?{query}", "supervisor1")
    assert workbook.status_code == 200 and "tiep-cong-dan-20270301-20270331" in workbook.headers["content-disposition"]
    ward = figures["ward"]["total"]
    assert (ward["sessions"], ward["visits"], ward["people"], ward["groups"]) == (33, 41, 57, 2)
    sheet = load_workbook(BytesIO(workbook.content)).active
    ward_line = [c.value for c in sheet[FIRST_DATA_ROW + len(figures["rows"])]]
    assert ward_line[1] == figures["ward"]["label"]
    assert ward_line[12:17] == [ward["visits"], ward["people"], ward["matters"], ward["groups"], ward["group_people"]]
    assert api.get(f"/api/reception/figures?{query}", "officer1").status_code == 403


def test_categories_and_the_dashboard_over_rest(api, world):
    case_id = start_report(world)
    flagged = api.client.put(f"/api/cases/{case_id}/categories", headers=api.auth("lead1"),
                             json={"categories": ["mass", "prolonged"]})  # fmt: skip
    unknown = api.client.put(f"/api/cases/{case_id}/categories", headers=api.auth("lead1"),
                             json={"categories": ["urgent"]})  # fmt: skip
    assert flagged.json()["categories"] == ["mass", "prolonged"] and unknown.status_code == 400
    board = api.get("/api/case-categories", "supervisor1").json()
    assert [c["case_id"] for c in board["cases"]] == [case_id]
    assert board["counts"] == {"mass": 1, "complex": 0, "prolonged": 1}
    assert api.get(f"/api/cases/{case_id}/categories", "officer1").json()["categories"] == ["mass", "prolonged"]


def test_1374_reports_grouped_under_one_matter_over_rest(api, world):
    first, again = start_report(world), start_report(world)
    similar = api.get(f"/api/cases/{again}/similar-reports", "officer1").json()
    assert similar[0]["case_id"] == first
    grouped = api.post(f"/api/cases/{again}/matter", "officer1", json={"with_case_id": first})
    assert grouped.status_code == 200, grouped.text
    assert grouped.json()["reports"] == 2
    matter = api.get(f"/api/matters/{grouped.json()['matter_id']}", "officer1").json()
    assert len(matter["petitions"]) == 2 and matter["petition_count"] == 2
