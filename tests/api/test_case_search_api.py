"""GET /api/cases?q=: the search as people type over REST, with the matched words marked."""

from tests.cases import start_report
from tests.factories import INTAKE

LAND = {**INTAKE, "title": "Tranh chấp <đất đai>", "description": "Lấn chiếm lối đi chung, xây tường kiên cố."}


def test_q_finds_the_case_without_diacritics_and_marks_the_words(api, world):
    case_id = start_report(world, LAND)
    start_report(world, {**INTAKE, "title": "Thu chi quỹ không công khai"})
    page = api.get("/api/cases", "officer1", params={"q": "DAT DAI"}).json()
    assert [item["id"] for item in page["items"]] == [case_id]
    assert page["total"] == 1 and page["capped"] is False
    match = page["items"][0]["match"]
    assert match["title_html"] == "Tranh chấp &lt;<mark>đất</mark> <mark>đai</mark>&gt;"
    assert match["snippet_html"] is None


def test_a_word_of_the_description_comes_back_in_the_snippet(api, world):
    case_id = start_report(world, LAND)
    page = api.get("/api/cases", "officer1", params={"q": "kien co"}).json()
    assert [item["id"] for item in page["items"]] == [case_id]
    assert "<mark>kiên</mark> <mark>cố</mark>" in page["items"][0]["match"]["snippet_html"]


def test_without_q_the_list_has_no_match(api, world):
    start_report(world, LAND)
    page = api.get("/api/cases", "officer1").json()
    assert page["items"][0]["match"] is None


def test_other_units_do_not_see_the_case(api, world):
    start_report(world, LAND)
    assert api.get("/api/cases", "officer_d2", params={"q": "dat dai"}).json()["total"] == 0


def test_a_search_with_nothing_to_search_for_is_a_400_naming_the_problem(api, world):
    response = api.get("/api/cases", "officer1", params={"q": "?!"})
    assert response.status_code == 400
    assert "no letters or digits" in response.json()["detail"]
