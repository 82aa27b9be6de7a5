"""The past comes in: a legacy Excel register is checked row by row (each bad row named by its number), then its
good rows are imported keeping their original dates, and they count in that period's reports."""

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from engine.cases.enums import CaseStatus
from engine.core.db import transaction
from engine.core.errors import BadRequest
from engine.core.models import Case
from engine.petitions.legacy_import import import_legacy_petitions
from engine.petitions.matters import petition_counts

HEADERS = ["STT", "Ngày nhận đơn", "Họ tên người gửi", "Địa chỉ", "Loại đơn", "Lĩnh vực", "Trích yếu", "Nội dung",
           "Người bị khiếu nại, tố cáo", "Đơn vị", "Kết quả", "Ngày giải quyết"]  # fmt: skip
BAD_ROWS = {  # sheet row number → (column, bad value, reason expected)
    15: ("Ngày nhận đơn", "31/02/2025", "không đúng dạng"),
    120: ("Loại đơn", "Thư khen", "Thư khen"),
    333: ("Lĩnh vực", "Thiên văn", "Thiên văn"),
    480: ("Đơn vị", "Quận 99", "Quận 99"),
    612: ("Ngày giải quyết", "01/01/2024", "trước ngày nhận"),
    777: ("Trích yếu", None, "thiếu title"),
    901: ("Ngày nhận đơn", "01/01/2099", "tương lai"),
}


def register_sheet(rows: int, bad: dict | None = None) -> bytes:
    """An Excel register of ``rows`` petitions of 2025 (every third resolved), with the given bad cells."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    kinds, fields = ["Khiếu nại", "Tố cáo", "Kiến nghị, phản ánh"], ["Đất đai", "Xây dựng", "Trật tự đô thị"]
    for n in range(rows):
        received = date(2025, 1 + n % 12, 1 + n % 28)
        resolved = n % 3 == 0
        sheet.append([
            n + 1, received.strftime("%d/%m/%Y"), f"Người gửi {n}", "Phường Bến Nghé", kinds[n % 3], fields[n % 3],
            f"Đơn số {n} về {fields[n % 3].lower()}", "Nội dung đơn được chép từ sổ", f"Ông Nguyễn Văn {n % 50}",
            "d1" if n % 2 else "Đơn vị w11", "Đã giải quyết" if resolved else "Đang giải quyết",
            datetime.combine(received, time()) if resolved else None,
        ])  # fmt: skip
    for row, (column, value, _) in (bad or {}).items():
        sheet.cell(row=row, column=HEADERS.index(column) + 1).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(world, content: bytes, *, dry_run: bool, mapping: dict | None = None):
    with transaction(world.factory) as session:
        return import_legacy_petitions(session, world.services, world.actor("officer1"), content=content,
                                       mapping=mapping or {}, dry_run=dry_run)  # fmt: skip


def test_a_dry_run_of_a_thousand_rows_names_each_of_the_seven_bad_rows_and_imports_nothing(world):
    report = run(world, register_sheet(1000, BAD_ROWS), dry_run=True)
    assert (report.rows, report.good, report.imported) == (1000, 993, 0)
    assert [p.row for p in report.problems] == sorted(BAD_ROWS)
    for problem in report.problems:
        assert BAD_ROWS[problem.row][2] in problem.reason, (problem.row, problem.reason)
    with world.factory() as session:
        assert session.scalars(select(Case).where(Case.process_key == "petition_triage")).all() == []


def test_the_import_keeps_the_original_dates_closes_the_resolved_and_counts_in_the_period(world):
    report = run(world, register_sheet(30, {5: ("Lĩnh vực", "Thiên văn", "")}), dry_run=False)
    assert (report.rows, report.good, report.imported, [p.row for p in report.problems]) == (30, 29, 29, [5])
    with world.factory() as session:
        cases = session.scalars(select(Case).where(Case.process_key == "petition_triage").order_by(Case.id)).all()
        zone = world.services.calendar.zone
        assert len(cases) == 29
        first = cases[0]  # sheet row 2: received 01/01/2025, resolved
        assert first.created_at.astimezone(zone).date() == date(2025, 1, 1)
        assert first.status == CaseStatus.COMPLETED and first.completed_at.astimezone(zone).date() == date(2025, 1, 1)
        waiting = cases[1]
        assert waiting.status == CaseStatus.IN_PROGRESS
        counts = petition_counts(session, {world.units["d1"], world.units["w11"]}, date(2025, 1, 1),
                                 date(2025, 12, 31), zone)  # fmt: skip
        assert counts.petitions == 29
    assert world.ready_task(waiting.id, "classify_petition") is not None


def test_a_sheet_without_the_needed_columns_or_no_workbook_is_refused_with_the_reason(world):
    with pytest.raises(BadRequest, match="không đọc được|Không đọc được"):
        run(world, b"not a workbook", dry_run=True)
    book = Workbook()
    book.active.append(["Ngày tiếp nhận", "Ghi chú"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(BadRequest, match="thiếu cột"):
        run(world, buffer.getvalue(), dry_run=True)
    renamed = Workbook()
    renamed.active.append(["Ngày tiếp nhận", "Loại", "Lĩnh vực", "Tóm tắt", "Nội dung", "Đối tượng", "Đơn vị"])
    renamed.active.append(["02/03/2025", "Tố cáo", "Đất đai", "Tố cáo cán bộ", "Nội dung", "Ông X", "d1"])
    buffer = io.BytesIO()
    renamed.save(buffer)
    mapping = {"Ngày tiếp nhận": "received_on", "Loại": "kind", "Tóm tắt": "title"}
    report = run(world, buffer.getvalue(), dry_run=True, mapping=mapping)
    assert (report.rows, report.good) == (1, 1)
