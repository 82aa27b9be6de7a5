"""The statutory report forms count what the engine did: resolutions by result, follow-ups by result, rows per unit."""

from datetime import timedelta

import pytest

from engine.core.errors import Forbidden, NotFound
from engine.reports.service import statutory_form_for
from tests.cases import complete
from tests.engine.test_decision_follow_up import RESULT, concluded_denunciation, follow_ups

QUARTER = "2027-Q1"


def form(world, key: str, username: str = "supervisor1"):
    with world.factory() as session:
        return statutory_form_for(session, world.services, world.actor(username), form=key,
                                  unit_id=world.units["d1"], period=QUARTER)  # fmt: skip


def test_a_concluded_denunciation_and_its_follow_up_fill_the_denunciation_form(world):
    concluded_denunciation(world)
    [follow_up] = follow_ups(world)
    complete(world, follow_up.id, "record_follow_up_result", "officer1", {**RESULT, "follow_up_result": "done"})
    world.clock.advance(timedelta(hours=1))
    filled = form(world, "denunciations")
    assert [filled.value(key) for key in ("received", "accepted", "resolved", "partly_true", "in_progress")] == [
        1, 1, 1, 1, 0,
    ]  # fmt: skip
    assert filled.value("resolved_rate") == 100.0 and filled.value("follow_up_done") == 1
    total, own, *below = filled.rows
    assert total.total and own.values == total.values, "the supervisor's unit handled it itself"
    assert [row.values["received"] for row in below] == [0] * len(below) and len(below) == 2
    assert [label for label, _first, _span in filled.header_groups() if label] == [
        "Thụ lý", "Kết quả giải quyết", "Theo dõi thi hành",
    ]  # fmt: skip
    follow = form(world, "follow_ups")
    assert (follow.value("concluded"), follow.value("follow_up_done"), follow.value("open")) == (1, 1, 0)
    assert follow.value("done_rate") == 100.0


def test_an_open_follow_up_past_its_deadline_counts_as_open_and_overdue(world):
    concluded_denunciation(world)
    world.clock.advance(timedelta(days=31))
    filled = form(world, "follow_ups")
    assert (filled.value("open"), filled.value("overdue"), filled.value("concluded")) == (1, 1, 0)
    assert form(world, "denunciations").value("follow_up_done") == 0


def test_an_unknown_form_is_not_found_and_officers_may_not_read_forms(world):
    with pytest.raises(NotFound, match="petitions, complaints, denunciations, follow_ups"):
        form(world, "visits")
    with pytest.raises(Forbidden):
        form(world, "petitions", "officer1")
