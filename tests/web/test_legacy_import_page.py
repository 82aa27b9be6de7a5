"""The reception desk imports a legacy Excel register from its page (check, then import) and over REST."""

from html import unescape

from tests.engine.test_legacy_import import register_sheet
from tests.factories import PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_page_checks_the_register_names_the_bad_row_then_imports_the_good_ones(web):
    officer = web().login("officer1")
    page = officer.get("/reception/import")
    assert page.status_code == 200 and "Nhập sổ đơn cũ từ Excel" in page.text
    assert "/reception/import" in officer.get("/reception").text
    sheet = register_sheet(6, {4: ("Lĩnh vực", "Thiên văn", "")})
    files = {"file": ("so-don-2025.xlsx", sheet, XLSX)}
    checked = officer.post_form("/reception/import", {"action": "check"}, csrf_from="/reception/import", files=files)
    text = unescape(checked.text)
    assert checked.status_code == 200 and "6 dòng: 5 hợp lệ, 1 lỗi" in text and "Thiên văn" in text
    imported = officer.post_form("/reception/import", {"action": "import"}, csrf_from="/reception/import",
                                 files=files)  # fmt: skip
    assert imported.status_code == 200 and "Đã nhập 5 đơn." in imported.text
    refused = officer.post_form("/reception/import", {"action": "check"}, csrf_from="/reception/import",
                                files={"file": ("x.xlsx", b"not excel", XLSX)})  # fmt: skip
    assert refused.status_code == 400 and "Không đọc được tệp Excel" in unescape(refused.text)


def test_the_api_dry_run_reports_the_bad_rows_by_number(web):
    officer = web().login("officer1")
    token = officer.client.post("/api/auth/token", data={"username": "officer1", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    sheet = register_sheet(4, {3: ("Đơn vị", "Quận 99", "")})
    answer = officer.client.post("/api/petitions/import", headers=headers,
                                 files={"file": ("so.xlsx", sheet, XLSX)})  # fmt: skip
    body = answer.json()
    assert answer.status_code == 200 and body["dry_run"] and body["imported"] == 0
    assert [p["row"] for p in body["problems"]] == [3] and "Quận 99" in body["problems"][0]["reason"]
