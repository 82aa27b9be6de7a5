"""Error pages speak Vietnamese (English with the switch) and their links lead somewhere the person may go."""

import re

from api.web.error_texts import page_message


def back_link(html: str) -> str:
    return re.search(r'href="([^"]*)" id="error-back"', html).group(1)


def test_a_missing_case_is_said_in_vietnamese_and_in_english_with_the_switch(web, world):
    officer = web().login("officer1")
    page = officer.get("/cases/999999")
    assert page.status_code == 404 and "Hồ sơ 999999 không tồn tại hoặc không thuộc đơn vị của bạn." in page.text
    assert "does not exist" not in page.text
    english = officer.get("/cases/999999?lang=en")
    assert "Case 999999 does not exist or is not in your units" in english.text


def test_a_designer_refused_a_page_is_sent_back_home_not_to_an_inbox_it_cannot_open(web, world):
    designer = web().login("designer1")
    page = designer.get("/overview")
    assert page.status_code == 403 and "Không có quyền" in page.text
    assert back_link(page.text) == "/" and "/inbox" not in page.text


def test_back_goes_to_the_page_of_this_site_the_person_came_from():
    from starlette.requests import Request

    from api.web import back_link as link_of

    def request(referer: str | None, path: str = "/cases/9") -> Request:
        headers = [(b"host", b"phananh.local")] + ([(b"referer", referer.encode())] if referer else [])
        return Request({"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": headers,
                        "scheme": "http", "server": ("phananh.local", 80)})  # fmt: skip

    assert link_of(request("http://phananh.local/cases?q=dat")) == "/cases?q=dat"
    assert link_of(request("https://evil.example/x")) == "/"
    assert link_of(request("http://phananh.local/cases/9")) == "/", "not back to the failing page itself"
    assert link_of(request(None)) == "/"


def test_an_unmatched_message_gets_a_vietnamese_sentence_and_keeps_the_detail():
    assert page_message("Something odd happened", 409, "vi") == (
        "Dữ liệu đã thay đổi; vui lòng tải lại trang.", "Something odd happened",
    )  # fmt: skip
    assert page_message("Task 'Xác minh' is no longer open; reload the case", 409, "vi")[0] == (
        "Bước «Xác minh» không còn mở; vui lòng tải lại hồ sơ."
    )
    assert page_message("Case 5 does not exist", 404, "en") == ("Case 5 does not exist", None)
