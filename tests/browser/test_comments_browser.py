"""Real-browser test of the case page's discussion (Trao đổi): an officer mentions a colleague, who sees it."""

import re

import pytest

from tests.browser_support import demo_database_url, sign_in
from tests.processes import api_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on a fresh SQLite database with the demo data."""
    with api_server(demo_database_url(tmp_path_factory.mktemp("comments")), "browser-comments-secret") as base:
        yield base


def test_an_officer_mentions_a_colleague_who_sees_the_comment_and_replies(browser, server, shots):
    page = sign_in(browser, server, "officer1")
    page.goto("/cases")
    page.locator("#case-list a").first.click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    case_url = page.url
    assert page.locator("#no-comments").is_visible()

    page.fill("#comment-body", "Nhờ @officer2 đối chiếu lại biên bản xác minh")
    page.click("#comment-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/cases/\d+#comment-\d+$"))
    comment = page.locator("#comment-list > li.comment").first
    assert comment.locator(".comment__author").inner_text() == "Nguyễn Văn An"
    assert comment.locator(".mention").inner_text() == "@Trần Thị Bình", "the mention shows the full name"
    assert "đối chiếu lại biên bản xác minh" in comment.locator(".comment__body").inner_text()
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", comment.locator("time").first.inner_text())
    page.screenshot(path=shots / "case-comments.png", full_page=True)

    colleague = sign_in(browser, server, "officer2")
    colleague.goto(case_url)
    thread = colleague.locator("#comment-list > li.comment").first
    assert thread.locator(".mention").inner_text() == "@Trần Thị Bình"
    thread.locator("summary").click()
    thread.locator("textarea[name=body]").fill("Đã đối chiếu, khớp với hồ sơ")
    thread.get_by_role("button", name="Gửi trả lời").click()
    colleague.wait_for_url(re.compile(r".*#comment-\d+$"))
    reply = colleague.locator("#comment-list .comment--reply").first
    assert reply.locator(".comment__author").inner_text() == "Trần Thị Bình"
    assert "khớp với hồ sơ" in reply.inner_text()
