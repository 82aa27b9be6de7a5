"""The cases page searches as people type: its search box fetches /cases/results and shows the matched words."""

from tests.cases import start_report
from tests.factories import INTAKE

LAND = {**INTAKE, "title": "Tranh chấp <b>đất đai</b>", "description": "Lấn chiếm lối đi chung, xây tường kiên cố."}


def test_the_search_box_asks_for_results_while_people_type(web, world):
    html = web().login("officer1").get("/cases").text
    assert 'hx-get="/cases/results"' in html and 'id="case-results"' in html


def test_results_mark_the_matched_words_and_escape_the_rest(web, world):
    start_report(world, LAND)
    start_report(world, {**INTAKE, "title": "Thu chi quỹ không công khai"})
    html = web().login("officer1").get("/cases/results?q=dat+dai").text
    assert "Tranh chấp &lt;b&gt;<mark>đất</mark> <mark>đai</mark>&lt;/b&gt;" in html
    assert "Thu chi" not in html and "<b>" not in html


def test_the_full_page_with_q_shows_the_same_results_and_the_description_snippet(web, world):
    start_report(world, LAND)
    html = web().login("officer1").get("/cases?q=KIEN+CO").text
    assert '<div class="search-snippet">' in html and "<mark>kiên</mark> <mark>cố</mark>" in html


def test_no_match_says_so_and_nothing_to_search_for_says_what_to_type(web, world):
    browser = web().login("officer1")
    assert "Không có hồ sơ nào khớp với “vỉa hè”." in browser.get("/cases/results?q=vỉa+hè").text
    answer = browser.get("/cases/results?q=%3F%21")
    assert answer.status_code == 200 and "hãy gõ chữ hoặc số" in answer.text
