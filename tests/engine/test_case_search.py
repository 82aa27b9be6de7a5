"""Case search as people type: diacritics and case do not matter, words of the description count, ranked,
highlighted safely, only the actor's units — on SQLite and PostgreSQL alike."""

import pytest

from engine.cases.queries import CaseFilters, list_cases
from engine.core.db import transaction
from engine.core.errors import BadRequest
from engine.core.models import Case
from engine.search.index import save_document
from engine.search.text import document_of
from tests.cases import start_report
from tests.factories import INTAKE, World

LAND = {
    **INTAKE,
    "title": "Tranh chấp đất đai ở tổ dân phố 4",
    "description": "Ông Lâm lấn chiếm lối đi chung, xây tường rào kiên cố.",
}
OTHER = {**INTAKE, "title": "Thu chi quỹ phường không công khai", "description": "Kế toán giữ sổ riêng."}


def search(world: World, q: str, username: str = "officer1", **filters) -> list[str]:
    """Tracking codes found by ``q``, best first."""
    return [case.tracking_code for case in found(world, q, username, **filters).items]


def found(world: World, q: str, username: str = "officer1", **filters):
    with transaction(world.factory) as session:
        return list_cases(session, world.actor(username), CaseFilters(q=q, **filters), now=world.clock.now())


def code_of(world: World, case_id: int) -> str:
    with transaction(world.factory) as session:
        return session.get_one(Case, case_id).tracking_code


def test_words_without_diacritics_or_in_capitals_find_the_case(world):
    land = code_of(world, start_report(world, LAND))
    start_report(world, OTHER)
    assert search(world, "dat dai") == [land]
    assert search(world, "DAT DAI") == [land]
    assert search(world, "Đất Đai") == [land]


def test_a_word_of_the_description_finds_the_case(world):
    land = code_of(world, start_report(world, LAND))
    start_report(world, OTHER)
    assert search(world, "kien co") == [land]
    assert search(world, "lấn chiếm") == [land]


def test_the_last_word_may_be_the_beginning_of_a_word_as_people_type(world):
    land = code_of(world, start_report(world, LAND))
    assert search(world, "dat da") == [land]
    assert search(world, "tranh ch") == [land]
    assert search(world, "tra dat") == []  # only the last word may be unfinished


def test_every_word_must_match(world):
    start_report(world, LAND)
    assert search(world, "dat dai quy") == []


def test_the_tracking_code_finds_the_case_whole_or_begun(world):
    first = code_of(world, start_report(world, LAND))
    second = code_of(world, start_report(world, OTHER))
    assert search(world, first) == [first]
    assert search(world, first.lower()) == [first]
    assert set(search(world, first[:-1])) == {first, second}


def test_a_match_in_the_title_ranks_before_a_match_in_the_description_then_newest_first(world):
    in_description = code_of(world, start_report(world, {**OTHER, "description": "Liên quan đất đai của phường."}))
    in_title = code_of(world, start_report(world, LAND))
    newer_in_title = code_of(world, start_report(world, {**LAND, "title": "Đất đai bị lấn chiếm"}))
    assert search(world, "dat dai") == [newer_in_title, in_title, in_description]


def test_a_match_in_the_tracking_code_ranks_first(world):
    first = code_of(world, start_report(world, LAND))
    mentions = code_of(world, start_report(world, {**OTHER, "title": f"Trùng với hồ sơ {first}"}))
    assert search(world, first) == [first, mentions]


def test_the_subject_is_searched(world):
    land = code_of(world, start_report(world, {**LAND, "subject": {"name": "Phạm Quốc Đạt", "unit": "Phòng TN-MT"}}))
    start_report(world, OTHER)
    assert search(world, "pham quoc dat") == [land]


def test_the_reporters_identity_is_not_searched(world):
    start_report(world, LAND)  # reporter: Trần Thị Y, a protected identity
    assert search(world, "tran thi y") == []


def test_cases_of_other_units_are_not_found(world):
    start_report(world, LAND)  # officer1's unit d1
    assert search(world, "dat dai", username="officer_d2") == []
    assert len(search(world, "dat dai", username="supervisor1")) == 1


def test_the_other_filters_still_apply(world):
    start_report(world, LAND)
    assert len(search(world, "dat dai", status="in_progress")) == 1
    assert search(world, "dat dai", status="completed") == []


def test_matched_words_are_marked_and_everything_else_escaped(world):
    title = '<script>alert("đất")</script> Đất & <b>đai</b>'
    case_id = start_report(world, {**LAND, "title": title})
    page = found(world, "dat dai")
    html = str(page.highlights[case_id].title_html)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert html.count("<mark>") == 3 and "<mark>Đất</mark>" in html and "<mark>đai</mark>" in html
    assert "<mark>đất</mark>" in html


def test_the_description_snippet_marks_the_words_found_there(world):
    case_id = start_report(world, LAND)
    snippet = str(found(world, "kien co").highlights[case_id].snippet_html)
    assert "<mark>kiên</mark> <mark>cố</mark>" in snippet
    assert found(world, "dat dai").highlights[case_id].snippet_html is None


def test_a_reindexed_case_is_found_by_its_new_words_only(world):
    case_id = start_report(world, LAND)
    with transaction(world.factory) as session:
        document = document_of(code_of(world, case_id), "Lấn chiếm vỉa hè", {"title": "Lấn chiếm vỉa hè"})
        unit_id = session.get(Case, case_id).unit_id
        assert save_document(session, case_id, unit_id, document) is True
        assert save_document(session, case_id, unit_id, document) is False
    assert len(search(world, "via he")) == 1
    assert search(world, "dat dai") == []


def test_a_search_without_letters_or_digits_is_refused(world):
    with pytest.raises(BadRequest, match="no letters or digits"):
        search(world, "?!")
