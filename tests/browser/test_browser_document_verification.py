"""The portal page "Xác thực văn bản" in a real browser (Chromium): a citizen checks the notice they received.

Screenshots go to $PHANANH_SCREENSHOTS as portal-verify-*.png when set (see tests/browser/test_browser.py).
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.core.models import Unit
from engine.core.settings import Settings
from engine.documents.certificates import make_demo_certificates
from engine.documents.signing import sign_pdf
from tests.browser_support import demo_database_url
from tests.documents import small_pdf
from tests.processes import api_server

SIGNED: dict[str, bytes] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on the demo data with its demo certificates, and a notice signed by district 1."""

    def sign_a_notice(session, services) -> None:
        make_demo_certificates(session, now=datetime.now(UTC))
        unit_id = session.scalars(select(Unit.id).where(Unit.code == "q1")).one()
        settings = Settings(database_url="sqlite://", secret_key="browser-verify-secret-0123456789abcdef")
        SIGNED["notice"] = sign_pdf(
            small_pdf(), unit_id=unit_id, signer_name="Trần Thị Lãnh Đạo", signer_title="Chánh Thanh tra",
            session=session, settings=settings,
        )  # fmt: skip

    url = demo_database_url(tmp_path_factory.mktemp("verify"), then=sign_a_notice)
    with api_server(url, "browser-verify-secret", PHANANH_PORTAL_FORM_MIN_SECONDS="0") as base:
        yield base


def test_a_citizen_checks_a_signed_notice_and_a_tampered_copy(browser, server, shots):
    page = browser.new_context(base_url=server, locale="vi-VN").new_page()
    page.goto("/portal")
    page.click("header >> text=Xác thực văn bản")
    page.set_input_files("#file", files=[{"name": "thong-bao.pdf", "mimeType": "application/pdf",
                                           "buffer": SIGNED["notice"]}])  # fmt: skip
    page.click("#verify-form button[type=submit]")
    assert page.inner_text("#verdict-status") == "Chữ ký số hợp lệ, văn bản không bị thay đổi"
    assert "(DEMO)" in page.inner_text("#verdict")
    page.screenshot(path=shots / "portal-verify-valid.png", full_page=True)

    tampered = bytearray(SIGNED["notice"])
    at = bytes(tampered).index(b"/Contents <") - 400
    tampered[at] = ord("0") if tampered[at] != ord("0") else ord("1")
    page.set_input_files("#file", files=[{"name": "ban-sua.pdf", "mimeType": "application/pdf",
                                           "buffer": bytes(tampered)}])  # fmt: skip
    page.click("#verify-form button[type=submit]")
    assert page.inner_text("#verdict-status") == "Văn bản đã bị thay đổi sau khi ký"
    page.screenshot(path=shots / "portal-verify-modified.png", full_page=True)
