"""The documents' pages: the step's drafts on the task page, the issued documents on the case page (redacted for
those who may not read the identity they name), the register with its search and XLSX export."""

import io

import pytest
from openpyxl import load_workbook

from tests import denunciations
from tests.cases import CONCLUDE, VERIFY, complete, walk_to_verification

pytestmark = pytest.mark.issues_documents


def concluded(world) -> int:
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    return case_id


def test_the_task_page_offers_the_draft_and_refuses_a_file_that_is_not_a_docx_in_vietnamese(web, world):
    case_id = concluded(world)
    task_id = world.ready_task(case_id, "approve_conclusion").id
    supervisor = web().login("supervisor1")
    page = supervisor.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    assert "Văn bản ban hành khi hoàn thành bước" in page.text and "Kết luận xác minh" in page.text
    assert f"/tasks/{task_id}/documents/verification_conclusion/draft" in page.text
    assert "Tải bản thảo (DOCX)" in page.text and "Tải lên bản đã sửa" in page.text

    refused = supervisor.post_form(f"/tasks/{task_id}/documents/verification_conclusion/draft", {},
                                   csrf_from=f"/tasks/{task_id}",
                                   files={"file": ("ghi-chu.txt", b"khong phai word", "text/plain")})  # fmt: skip
    assert refused.status_code == 400
    assert "không phải tệp Word (DOCX)" in refused.text and 'id="draft-message"' in refused.text

    # a step that issues nothing shows no documents section
    other = walk_to_verification(world)
    verify_task = world.ready_task(other, "verify_report").id
    assert "Văn bản ban hành khi hoàn thành bước" not in web().login("officer1").get(f"/tasks/{verify_task}").text


def test_the_case_page_lists_the_issued_documents_by_kind_name_symbol_and_date(web, world):
    case_id = concluded(world)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    page = web().login("officer2").get(f"/cases/{case_id}")
    assert page.status_code == 200
    section = page.text.split('id="documents"')[1].split("</section>")[0]
    today = world.clock.now().astimezone(world.services.calendar.zone).date().strftime("%d/%m/%Y")
    assert "Kết luận xác minh" in section and "1/KL-D1" in section and today in section
    assert "Phạm Thị Dung" in section and "Đã ký số" in section
    assert "verification_conclusion" not in section
    assert "Ban hành văn bản</strong>" in page.text and page.text.count("1/KL-D1") == 2  # the timeline names it


def test_a_notice_naming_the_denouncer_is_offered_redacted_to_officers_and_in_full_to_the_resolver(web, world):
    case_id = denunciations.start_denunciation(world)
    denunciations.accept(world, case_id)
    denunciations.notify(world, case_id)
    officer = web().login("officer1").get(f"/cases/{case_id}").text.split('id="documents"')[1]
    assert "bản che danh tính" in officer and ".docx" not in officer.split("</section>")[0]
    resolver = web().login("supervisor1").get(f"/cases/{case_id}").text.split('id="documents"')[1]
    assert "bản che danh tính" not in resolver.split("</section>")[0] and ".docx" in resolver


def test_the_register_page_searches_and_exports_the_units_documents(web, world):
    for _ in range(2):
        case_id = concluded(world)
        complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    year = world.clock.now().astimezone(world.services.calendar.zone).year
    officer = web().login("officer1")
    page = officer.get("/registers")
    assert page.status_code == 200 and "Sổ văn bản đi" in page.text and f"Đơn vị d1 · {year}" in page.text
    assert "1/KL-D1" in page.text and "2/KL-D1" in page.text and "Kết luận xác minh" in page.text
    found = officer.get(f"/registers?unit=d1&year={year}&q=2%2FKL")
    assert "2/KL-D1" in found.text and "1/KL-D1" not in found.text
    assert "Chưa có văn bản nào" in officer.get(f"/registers?unit=d1&year={year - 1}").text
    assert officer.get("/registers?unit=d2").status_code == 403
    assert officer.get("/registers?year=abc").status_code == 400

    export = officer.get(f"/registers.xlsx?unit=d1&year={year}&q=2%2FKL")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A1"].value == f"Sổ văn bản đi năm {year} — Đơn vị d1"
    assert [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["2/KL-D1"]
