"""The statutory report forms on screen, over REST and as XLSX, reproducing a district's published figure:
148 petitions received, 100 within jurisdiction, 83 resolved, a rate of 83 %."""

import io
import re
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from engine.reports.statutory_export import HEADER_ROW
from tests.reports_forms import huong_tra

FEBRUARY = datetime(2027, 2, 1, 2, 0, tzinfo=UTC)  # cases received in Q1 2027
QUARTER = "2027-Q1"


def screen_totals(page: str) -> dict[str, str]:
    """The total row of the form on the page: column key → the number as shown."""
    total = re.search(r'<tr class="form-total">(.*?)</tr>', page, re.S).group(1)
    return dict(re.findall(r'<td data-column="([a-z_]+)">([^<]*)</td>', total))


def test_the_petition_form_reproduces_148_received_100_within_jurisdiction_83_resolved(world, api, web):
    world.clock.set(FEBRUARY)
    huong_tra(world)
    world.clock.advance(timedelta(hours=1))  # the report is read after the last action
    unit = world.units["d1"]

    body = api.get(f"/api/reports/forms/petitions?period={QUARTER}&unit={unit}", "supervisor1").json()
    total = body["rows"][0]
    assert total["total"] is True
    values = total["values"]
    assert (values["received"], values["in_jurisdiction"], values["resolved"]) == (148, 100, 83)
    assert values["resolved_rate"] == 83.0
    assert (values["filed"], values["guided"], values["transferred"], values["pending"]) == (30, 10, 8, 0)
    assert (values["proposal"], values["complaint"], values["ineligible"]) == (90, 28, 30)
    assert values["unresolved"] == 17

    page = web().login("supervisor1").get(f"/reports/forms?form=petitions&period={QUARTER}&unit={unit}").text
    shown = screen_totals(page)
    assert (shown["received"], shown["in_jurisdiction"], shown["resolved"], shown["resolved_rate"]) == (
        "148", "100", "83", "83,0",
    )  # fmt: skip
    assert "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN" in page and "Thuộc thẩm quyền" in page

    workbook = api.get(f"/api/reports/forms/petitions.xlsx?period={QUARTER}&unit={unit}", "supervisor1")
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    numbers = HEADER_ROW + 2
    keys = [column["key"] for column in body["columns"]]
    row = {keys[i]: sheet.cell(numbers + 1, i + 2).value for i in range(len(keys))}
    assert sheet.cell(numbers + 1, 1).value == "Tổng cộng"
    assert row == {key: values[key] for key in keys}, "the workbook holds the figures of the screen"
    assert sheet.cell(numbers, 2).value == "(2)" and sheet.cell(HEADER_ROW, 1).value == "Đơn vị"

    complaints = api.get(f"/api/reports/forms/complaints?period={QUARTER}&unit={unit}", "supervisor1").json()
    figures = complaints["rows"][0]["values"]
    assert (figures["received"], figures["accepted"], figures["resolved"], figures["partly_correct"]) == (20, 3, 3, 3)
    assert figures["awaiting"] == 17, "the other complaints wait for acceptance"


def test_the_follow_up_case_and_its_task_read_in_words(world, web):
    from tests.engine.test_decision_follow_up import concluded_denunciation, follow_ups
    from tests.factories import PEOPLE
    from tests.raw_codes import raw_words, visible_text

    concluded_denunciation(world)
    [follow_up] = follow_ups(world)
    task = world.ready_task(follow_up.id, "record_follow_up_result")
    officer = web().login("officer1")
    usernames = {username for username, *_rest in PEOPLE}
    for url in (f"/cases/{follow_up.id}", f"/tasks/{task.id}"):
        page = officer.get(url)
        assert page.status_code == 200
        assert raw_words(visible_text(page.text), usernames) == [], url
    assert "Đã thực hiện xong" in officer.get(f"/tasks/{task.id}").text


def test_the_forms_page_offers_every_form_and_refuses_an_unknown_one(world, web):
    supervisor = web().login("supervisor1")
    page = supervisor.get("/reports/forms?form=complaints&period=2027-Q1").text
    assert "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI" in page and "(16)" in page
    assert all(f'value="{key}"' in page for key in ("petitions", "complaints", "denunciations", "follow_ups"))
    assert 'href="/reports/forms?' in supervisor.get("/reports").text
    assert supervisor.get("/reports/forms?form=visits&period=2027-Q1").status_code == 404
    assert web().login("officer1").get("/reports/forms").status_code == 403
