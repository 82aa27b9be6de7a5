"""The first example of the periodic report (May after April, 40 cases), built once per backend for the five
tests that read it: the figures, the comparison with April, the drill-down links, a ward's and the city's share,
and the API's JSON, XLSX and PDF. None of them changes the cases."""

from datetime import UTC, datetime

import pytest

from tests.cases import SCREEN_IN, complete
from tests.engine.test_reports import NEXT_YEAR, at, received, report, resolved


@pytest.fixture(scope="module")
def first_example(world):
    """May: 20 reports (10 urban order, 3 land, 4 education, 3 adjudication), all resolved, 1 reprimand,
    6 serious criticisms, 17 publicized in writing and 3 on media. April: 20 reports, 15 resolved.

    The approvals issue no documents here (the report counts cases; issuing is tested in test_document_issuance)."""
    world.services.issue_documents = False
    at(world, 4, 6)
    fields = ["urban_order"] * 8 + ["land"] * 5 + ["education"] * 4 + ["adjudication"] * 3
    for number, field in enumerate(fields):
        if number < 15:
            resolved(
                world, field, party="reprimand" if number < 2 else "none", channel="media" if number < 3 else "writing"
            )
        else:
            complete(world, received(world, field), "screen_report", "officer1", SCREEN_IN)
    at(world, 5, 11)
    fields = ["urban_order"] * 10 + ["land"] * 3 + ["education"] * 4 + ["adjudication"] * 3
    for number, field in enumerate(fields):
        party = "reprimand" if number == 0 else "serious_criticism" if number <= 6 else "none"
        resolved(world, field, party=party, channel="media" if number >= 17 else "writing")
    world.clock.set(datetime(NEXT_YEAR, 6, 15, 2, 0, tzinfo=UTC))
    return report(world, f"{NEXT_YEAR}-05")


def test_the_first_example_report_counts_every_figure(first_example):
    figure = first_example.figure
    assert figure("received").value == 20
    assert [figure(f"by_field.{f}").value for f in ("urban_order", "land", "education", "adjudication")] == [
        10,
        3,
        4,
        3,
    ]
    assert figure("resolved").value == 20 and figure("resolved_rate").value == 100.0
    assert figure("party_sanctions.reprimand").value == 1
    assert figure("party_sanctions.serious_criticism").value == 6
    assert figure("publicity.writing").value == 17 and figure("publicity.media").value == 3
    assert figure("screening.in_scope").value == 20 and figure("overdue").value == 0


def test_the_first_example_compares_with_the_previous_month(first_example):
    figure = first_example.figure
    assert first_example.previous.code == f"{NEXT_YEAR}-04"
    assert (figure("received").previous, figure("received").change, figure("received").change_pct) == (20, 0, 0.0)
    assert (figure("by_field.urban_order").change, figure("by_field.urban_order").change_pct) == (2, 25.0)
    assert (figure("by_field.land").change, figure("by_field.land").change_pct) == (-2, -40.0)
    assert (figure("resolved").previous, figure("resolved").change_pct) == (15, 33.33)
    assert (figure("party_sanctions.reprimand").previous, figure("party_sanctions.reprimand").change_pct) == (2, -50.0)
    assert (figure("publicity.writing").previous, figure("publicity.writing").change_pct) == (12, 41.67)
    assert figure("by_field.construction").change_pct is None, "nothing to compare with"


def test_each_figure_links_to_the_cases_it_counts(first_example, api):
    link = first_example.figure("by_field.land").drilldown
    listed = api.get(link.replace("/reports/cases?", "/api/reports/summary/cases?"), "supervisor1").json()
    assert listed["total"] == 3 and len(listed["items"]) == 3
    link = first_example.figure("party_sanctions.serious_criticism").drilldown
    assert api.get(link.replace("/reports/cases?", "/api/reports/summary/cases?"), "supervisor1").json()["total"] == 6


def test_a_ward_report_counts_only_its_own_cases(first_example, world):
    assert report(world, f"{NEXT_YEAR}-05", unit="w11").figure("received").value == 0
    assert report(world, f"{NEXT_YEAR}-05", unit="city").figure("received").value == 20


def test_the_report_over_the_api_as_json_xlsx_and_pdf(first_example, api, tmp_path):
    import io
    import shutil
    import subprocess

    from openpyxl import load_workbook

    period = f"{NEXT_YEAR}-05"
    body = api.get("/api/reports/summary", "supervisor1", params={"period": period}).json()
    figures = {f["key"]: f for s in body["sections"] for f in s["figures"]}
    assert figures["received"]["value"] == 20 and figures["by_field.land"]["change_pct"] == -40.0
    assert body["period"]["label"] == f"Tháng 5/{NEXT_YEAR}" and body["previous"]["code"] == f"{NEXT_YEAR}-04"

    workbook = load_workbook(
        io.BytesIO(api.get("/api/reports/summary.xlsx", "supervisor1", params={"period": period}).content)
    )
    sheets = {
        sheet.title: {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
        for sheet in workbook.worksheets[1:]
    }
    assert sheets["Theo lĩnh vực"]["Đất đai"][:3] == (3, 5, -2)
    assert sheets["Hình thức xử lý kỷ luật Đảng"]["Phê bình nghiêm khắc"][0] == 6

    pdf = api.get("/api/reports/summary.pdf", "supervisor1", params={"period": period})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        (tmp_path / "r.pdf").write_bytes(pdf.content)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", tmp_path / "r.pdf", tmp_path / "page"], check=True
        )
        assert next(tmp_path.glob("page*.png")).stat().st_size > 5000
