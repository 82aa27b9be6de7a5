"""A supervisor downloads the conclusion's draft, uploads an edited one, approves the step and finds the signed
conclusion on the case page (real server, headless Chromium)."""

import re
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.models import HumanTask, User
from engine.core.settings import Settings
from engine.people.auth import actor_for
from engine.services import build_services
from tests.browser_support import demo_database_url, sign_in
from tests.cases import CONCLUDE, SCREEN_IN, VERIFY, assign_data
from tests.documents import text_of
from tests.factories import INTAKE
from tests.processes import api_server

pytestmark = pytest.mark.issues_documents

TITLE = "Cán bộ phường nhận tiền khi giải quyết hồ sơ đất đai"
STEPS = (
    ("screen_report", "officer1", SCREEN_IN),
    ("assign_verification", "lead1", assign_data()),
    ("verify_report", "officer1", VERIFY),
    ("conclude_verification", "officer1", CONCLUDE),
)


def walk_to_approval(url: str) -> str:
    """A 1374 case of the demo's Quận 1 waiting for its conclusion's approval; returns the approval task's id."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    services = build_services(Settings(database_url=url, secret_key="browser-test-secret"), session_factory=factory)

    def actor(session, username: str):
        return actor_for(session, session.scalars(select(User).where(User.username == username)).one())

    with transaction(factory) as session:
        runtime = CaseRuntime(session, services)
        case_id = runtime.start_case(actor(session, "officer1"), process_key="report_1374",
                                     data={**INTAKE, "title": TITLE}).id  # fmt: skip
    for spec_name, username, data in STEPS:
        with transaction(factory) as session:
            task = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                           HumanTask.spec_name == spec_name)).one()  # fmt: skip
            CaseRuntime(session, services).complete_task(actor(session, username), task.id, data)
    with factory() as session:
        task_id = session.scalars(
            select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.spec_name == "approve_conclusion")
        ).one()
    engine.dispose()
    return task_id


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    url = demo_database_url(tmp_path_factory.mktemp("documents-browser"))
    task_id = walk_to_approval(url)
    with api_server(url, "browser-test-secret") as base:
        yield base, task_id


def test_download_a_draft_upload_an_edited_one_approve_and_see_the_signed_conclusion(browser, server, shots, tmp_path):
    base, task_id = server
    page = sign_in(browser, base, "supervisor1")
    page.goto(f"/tasks/{task_id}")
    section = page.locator("#step-documents")
    assert "Kết luận xác minh" in section.inner_text()
    with page.expect_download() as downloading:
        section.get_by_role("link", name="Tải bản thảo (DOCX)").click()
    draft = Document(downloading.value.path())
    assert "{{ document_number }}" in text_of(Path(downloading.value.path()).read_bytes())
    draft.add_paragraph("Đề nghị Ủy ban kiểm tra theo dõi việc khắc phục.")
    edited = tmp_path / "ket-luan-da-sua.docx"
    draft.save(edited)

    page.set_input_files("#step-documents input[name=file]", str(edited))
    section.get_by_role("button", name="Tải lên bản đã sửa").click()
    page.wait_for_url(re.compile(r".*/tasks/.+\?draft_saved=verification_conclusion"))
    assert "Đã lưu bản đã sửa" in page.inner_text("#draft-message")
    assert "Phạm Thị Dung" in page.inner_text("#step-documents")
    page.screenshot(path=shots / "task-documents.png", full_page=True)

    page.check("input[name=decision][value=approve]")
    page.click("#task-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+\?done=approve_conclusion"))
    row = page.locator("#documents tr.document")
    assert row.count() == 1
    text = row.inner_text()
    symbol = re.search(r"\b\d+-KL/Q1\b", text)  # a Party body's symbol; the demo's own cases issued earlier ones
    assert symbol and "Kết luận xác minh" in text and "Đã ký số" in text
    assert re.search(r"\b\d{2}/\d{2}/\d{4}\b", text), "the date as dd/mm/yyyy"
    assert "verification_conclusion" not in text, "the kind by its name, never its code"
    page.screenshot(path=shots / "case-documents.png", full_page=True)

    with page.expect_download() as downloading:
        row.locator("a.document-pdf").click()
    assert open(downloading.value.path(), "rb").read().startswith(b"%PDF")
    docx = page.request.get(row.get_by_role("link", name="DOCX").get_attribute("href"))
    issued = text_of(docx.body())
    assert symbol.group(0) in issued and "Đề nghị Ủy ban kiểm tra theo dõi việc khắc phục." in issued
