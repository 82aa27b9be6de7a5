"""The statutory report forms over REST: the layout the clients draw, and clear refusals."""

import io

from openpyxl import load_workbook

from engine.reports.statutory_export import HEADER_ROW


def test_a_form_lists_its_numbered_columns_and_rows_per_unit(api, world):
    body = api.get(f"/api/reports/forms/denunciations?period=2027-Q1&unit={world.units['d1']}", "supervisor1").json()
    assert body["title"] == "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO" and body["period_label"]
    assert [c["number"] for c in body["columns"]] == list(range(2, len(body["columns"]) + 2))
    assert [row["label"] for row in body["rows"]] == ["Tổng cộng", "Đơn vị d1 (trực tiếp)", "Đơn vị w11", "Đơn vị w12"]
    assert body["rows"][0]["values"]["received"] == 0 and body["rows"][0]["values"]["resolved_rate"] == 0


def test_the_workbook_merges_the_grouped_headers_as_the_form_does(api, world):
    response = api.get(f"/api/reports/forms/complaints.xlsx?period=2027&unit={world.units['d1']}", "supervisor1")
    assert response.status_code == 200 and "bieu-complaints-2027.xlsx" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    merged = {str(cells) for cells in sheet.merged_cells.ranges}
    top, below = HEADER_ROW, HEADER_ROW + 1
    assert f"A{top}:A{below}" in merged, "the unit column spans both header rows"
    assert f"B{top}:B{below}" in merged, "a column without a group spans both header rows"
    assert sheet.cell(top, 3).value == "Theo lần giải quyết" and f"C{top}:D{top}" in merged
    assert (sheet.cell(below, 3).value, sheet.cell(below, 4).value) == ("Lần đầu", "Lần hai")
    assert sheet["A3"].value == "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI"


def test_an_unknown_form_or_period_is_refused_by_name(api):
    unknown = api.get("/api/reports/forms/visits?period=2027-Q1", "supervisor1")
    assert unknown.status_code == 404 and "visits" in unknown.json()["detail"]
    bad = api.get("/api/reports/forms/petitions?period=2027-Q7", "supervisor1")
    assert bad.status_code == 400 and "2027-Q7" in bad.json()["detail"]
    assert api.get("/api/reports/forms/petitions?period=2027-Q1", "officer1").status_code == 403
