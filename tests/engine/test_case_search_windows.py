"""PostgreSQL's search reads the scope's newest cases first, asks the full-text index only for rare words, and
lists the newest matches it read when every word is too common for the index (saying there may be more)."""

import pytest
from sqlalchemy import text

from engine.search import postgresql
from tests.cases import start_report
from tests.engine.test_case_search import LAND, code_of, found
from tests.factories import World


@pytest.fixture
def cases(world: World) -> list[str]:
    """Twelve land cases of officer1's ward, oldest first; the oldest alone names a rare word; statistics made."""
    if world.factory.kw["bind"].dialect.name != "postgresql":
        pytest.skip("the windows are PostgreSQL's (FTS5 walks its matches newest first itself)")
    codes = [code_of(world, start_report(world, {**LAND, "description": "Hàng rào xây lấn zyxwv."}))]
    codes += [code_of(world, start_report(world, LAND)) for _ in range(11)]
    with world.factory.kw["bind"].begin() as connection:
        connection.execute(text("ANALYZE case_search_documents"))
    return codes


@pytest.fixture
def small_windows(monkeypatch):
    """A first window of three cases of the scope and a reading budget of four more."""
    monkeypatch.setattr(postgresql, "WINDOW", 3)
    monkeypatch.setattr(postgresql, "READ_BUDGET", 4)


def test_a_rare_word_older_than_the_first_window_is_found_through_the_index(world, cases, small_windows):
    page = found(world, "zyxwv")
    assert [case.tracking_code for case in page.items] == [cases[0]]
    assert not page.capped
    assert [case.tracking_code for case in found(world, "dat dai zyxw").items] == [cases[0]]


def test_common_words_list_every_match_when_the_index_may_answer(world, cases, small_windows):
    page = found(world, "dat dai")
    assert [case.tracking_code for case in page.items] == cases[::-1]
    assert not page.capped


def test_words_too_common_for_the_index_list_the_newest_matches_read_and_say_there_may_be_more(
    world, cases, small_windows, monkeypatch
):
    monkeypatch.setattr(postgresql, "INDEX_POSTINGS", 0)
    page = found(world, "dat dai")
    read = [case.tracking_code for case in page.items]
    assert read == cases[::-1][: len(read)]  # the newest, in order: none skipped
    assert 3 <= len(read) < len(cases)
    assert page.capped


def test_no_match_among_the_cases_read_is_checked_with_the_index_before_saying_no_match(
    world, cases, small_windows, monkeypatch
):
    monkeypatch.setattr(postgresql, "INDEX_POSTINGS", 0)
    page = found(world, "dat dai zyxwv")
    assert [case.tracking_code for case in page.items] == [cases[0]]
    assert not page.capped
    assert found(world, "dat dai qqqq").items == []
