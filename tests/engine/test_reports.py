"""The periodic report, built from real cases: the figures supervisors report today, exactly."""

from datetime import UTC, datetime, timedelta

import pytest

from engine.reports.periods import parse_period
from engine.reports.summary import build_summary
from tests.cases import SCREEN_IN, assign_data, complete, start_report
from tests.factories import INTAKE

NEXT_YEAR = datetime.now(UTC).year + 1  # the injected clock stays ahead of the real one (see tests/factories.py)


def at(world, month: int, day: int) -> None:
    world.clock.set(datetime(NEXT_YEAR, month, day, 2, 0, tzinfo=UTC))


def received(world, field: str) -> int:
    return start_report(world, {**INTAKE, "field": field})


def resolved(world, field: str, *, party: str = "none", state: str = "none", channel: str = "writing") -> int:
    """A case taken through every step to publication."""
    case_id = received(world, field)
    violation = party != "none" or state != "none"
    conclusion = {"violation": violation, "party_sanction": party, "state_sanction": state, "conclusion": "Kết luận"}
    publication = {"channels": [channel], "published_on": f"{NEXT_YEAR}-06-01", "summary": "Đã công khai"}
    for step, user, data in (
        ("screen_report", "officer1", SCREEN_IN), ("assign_verification", "lead1", assign_data(10)),
        ("verify_report", "officer1", {"findings": "Có cơ sở"}), ("conclude_verification", "officer1", conclusion),
        ("approve_conclusion", "supervisor1", {"decision": "approve"}), ("publicize_result", "officer1", publication),
    ):  # fmt: skip
        complete(world, case_id, step, user, data)
    return case_id


def report(world, period: str, unit: str = "d1"):
    with world.factory() as session:
        return build_summary(session, world.services.forms, unit_id=world.units[unit], period=parse_period(period),
                             zone=world.services.calendar.zone, now=world.clock.now())  # fmt: skip


@pytest.fixture
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


def test_the_second_example_148_received_100_in_jurisdiction_83_resolved(world):
    world.services.issue_documents = False  # 83 approvals: the report counts them, issuing is tested elsewhere
    at(world, 7, 6)
    for _ in range(83):
        resolved(world, "land")
    for _ in range(17):
        complete(world, received(world, "land"), "screen_report", "officer1", SCREEN_IN)
    for _ in range(48):
        out_of_scope = {"screening": "out_of_scope", "reason": "Không thuộc thẩm quyền"}
        complete(world, received(world, "other"), "screen_report", "officer1", out_of_scope)
    world.clock.advance(timedelta(days=40))
    summary = report(world, f"{NEXT_YEAR}-Q3")
    assert summary.figure("received").value == 148
    assert summary.figure("screening.in_scope").value == 100
    assert summary.figure("resolved").value == 83
    assert summary.figure("resolved_rate").value == 83.0
    assert summary.figure("in_progress").value == 17


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


def test_reports_are_for_supervisors_and_name_a_bad_period(api):
    assert api.get("/api/reports/summary", "officer1", params={"period": "2026-05"}).status_code == 403
    response = api.get("/api/reports/summary", "supervisor1", params={"period": "2026-13"})
    assert response.status_code == 400 and "2026-13" in response.json()["detail"]
    other_unit = api.get("/api/reports/summary", "supervisor_d2", params={"period": "2026", "unit": 2})
    assert other_unit.status_code == 404


@pytest.mark.parametrize("period", ["0001", "9999-12", "9999"])
def test_report_periods_at_the_calendar_edges_get_a_400_naming_the_years(api, period):
    answer = api.get("/api/reports/summary", "supervisor1", params={"period": period})
    assert answer.status_code == 400 and "1900" in answer.json()["detail"]
