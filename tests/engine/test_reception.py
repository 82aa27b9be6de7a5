"""Reception by leaders: the schedule, the sessions held, and their figures on screen and in the reception form."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from engine.core.db import transaction
from engine.core.errors import BadRequest, Forbidden, NotFound
from engine.reception.figures import reception_figures
from engine.reception.form import FIRST_DATA_ROW, reception_form_xlsx
from engine.reception.schedule import plan_reception_day, published_schedule, reception_schedule
from engine.reception.sessions import ReceptionLevel, SessionCounts, reception_sessions, record_session
from tests.reception import MONTH, ward_example


def _plan(world, username: str = "lead1", unit: str = "d1", **changes):
    values = {
        "unit_id": world.units[unit], "held_on": date(2027, 3, 15), "kind": "periodic", "leader_name": "Lê Văn Cường",
        "leader_title": "Chủ tịch UBND quận", "place": "Trụ sở tiếp công dân quận", "at": world.clock.now(),
    } | changes  # fmt: skip
    actor = world.actor(username)
    with transaction(world.factory) as session:
        return plan_reception_day(session, actor, **values).id


def test_a_planned_day_is_in_the_units_schedule_and_published_on_the_portal(world):
    _plan(world)
    _plan(world, unit="w11", held_on=date(2027, 2, 1), leader_name="Trần Văn Phường")  # past: not published
    officer, other_officer = world.actor("officer1"), world.actor("officer_d2")
    with world.factory() as session:
        staff = reception_schedule(session, officer, start=date(2027, 3, 1), end=date(2027, 3, 31))
        other = reception_schedule(session, other_officer, start=date(2027, 3, 1), end=date(2027, 3, 31))
        public = published_schedule(session, today=date(2027, 3, 1))
    assert [(d.day.leader_name, d.unit_name) for d in staff] == [("Lê Văn Cường", "Đơn vị d1")]
    assert other == []
    assert [(d.day.leader_title, d.day.held_on) for d in public] == [("Chủ tịch UBND quận", date(2027, 3, 15))]


def test_an_online_day_between_levels_is_seen_by_both_units(world):
    actor = world.actor("supervisor1")
    with transaction(world.factory) as session:
        plan_reception_day(
            session, actor, unit_id=world.units["d1"],
            held_on=date(2027, 3, 20), kind="unscheduled", leader_name="Phạm Thị Dung", leader_title="Chủ tịch",
            place="Trực tuyến", online=True, partner_unit_id=world.units["w11"], at=world.clock.now(),
        )  # fmt: skip
    officer = world.actor("officer1")
    with world.factory() as session:
        days = reception_schedule(session, officer, start=date(2027, 3, 1), end=date(2027, 3, 31))
    assert days[0].day.online and days[0].partner_unit_name == "Đơn vị w11"


def test_planning_needs_a_lead_of_the_unit_and_a_known_kind(world):
    with pytest.raises(Forbidden):
        _plan(world, username="officer1")
    with pytest.raises(Forbidden):
        _plan(world, username="supervisor_d2")
    with pytest.raises(BadRequest, match="Loại tiếp công dân"):
        _plan(world, kind="weekly")
    with pytest.raises(BadRequest, match="trực tuyến"):
        _plan(world, partner_unit_id=world.units["w11"])
    with pytest.raises(BadRequest, match="Thiếu địa điểm"):
        _plan(world, place="  ")


def test_a_session_counts_visits_and_people_apart_and_refuses_impossible_counts(world):
    actor = world.actor("officer1")
    base = {"unit_id": world.units["w11"], "held_on": date(2027, 3, 2), "kind": "regular", "received_by": "Tổ tiếp"}
    with transaction(world.factory) as session:
        record = record_session(
            session, actor, **base, counts=SessionCounts(visits=2, people=9, matters=2, group_sizes=(8,)),
            at=world.clock.now(),
        )  # fmt: skip
        assert record.level == ReceptionLevel.WARD
    for counts, problem in (
        (SessionCounts(visits=3, people=2, matters=1), "ít hơn số lượt"),
        (SessionCounts(visits=1, people=4, matters=1, group_sizes=(4,)), "từ 5 người"),
        (SessionCounts(visits=1, people=5, matters=-1), "không được âm"),
        (SessionCounts(visits=1, people=6, matters=1, group_sizes=(5, 5)), "nhiều lượt hoặc nhiều người"),
    ):
        with transaction(world.factory) as session, pytest.raises(BadRequest, match=problem):
            record_session(session, actor, **base, counts=counts, at=world.clock.now())


def test_a_session_links_the_petitions_registered_during_it_and_refuses_unknown_codes(world):
    actor = world.actor("officer1")
    with transaction(world.factory) as session, pytest.raises(NotFound, match="PA-1999-00001"):
        record_session(
            session, actor, unit_id=world.units["d1"], held_on=date(2027, 3, 2), kind="regular", received_by="Tổ tiếp",
            counts=SessionCounts(visits=1, people=1, matters=1), tracking_codes=["PA-1999-00001"], at=world.clock.now(),
        )  # fmt: skip


def test_33_ward_sessions_give_the_same_figures_on_screen_and_in_the_form(world):
    ward_example(world)
    supervisor, officer = world.actor("supervisor1"), world.actor("officer1")
    with world.factory() as session:
        figures = reception_figures(session, supervisor, unit_id=world.units["d1"], start=MONTH[0], end=MONTH[1])
        sessions = reception_sessions(session, officer, start=MONTH[0], end=MONTH[1])
    assert len(sessions) == 33
    ward = figures.ward.total
    assert (ward.sessions, ward.visits, ward.people, ward.groups, ward.group_people) == (33, 41, 57, 2, 13)
    assert figures.total.total.values() == ward.values()
    assert figures.ward.leaders.values() == (2, 13, 1, 1, 7)
    assert [row.label for row in figures.rows] == ["Đơn vị w11", "Đơn vị w12"]
    sheet = load_workbook(BytesIO(reception_form_xlsx(figures))).active
    lines = [figures.rows[0], figures.rows[1], figures.ward, figures.total]
    for offset, line in enumerate(lines):
        cells = [c.value for c in sheet[FIRST_DATA_ROW + offset]]
        assert cells[1] == line.label
        assert tuple(cells[2:]) == (*line.regular.values(), *line.leaders.values(), *line.total.values())
    assert "01/03/2027" in sheet["A4"].value and "31/03/2027" in sheet["A4"].value


def test_figures_need_an_overview_role_in_the_unit(world):
    officer, supervisor = world.actor("officer1"), world.actor("supervisor1")
    with world.factory() as session, pytest.raises(Forbidden):
        reception_figures(session, officer, unit_id=world.units["d1"], start=MONTH[0], end=MONTH[1])
    with world.factory() as session, pytest.raises(Forbidden):
        reception_figures(session, supervisor, unit_id=world.units["d2"], start=MONTH[0], end=MONTH[1])


def test_a_session_is_recorded_against_a_scheduled_day_of_its_own_unit(world):
    day_id = _plan(world)
    actor = world.actor("officer1")
    base = {"held_on": date(2027, 3, 15), "kind": "periodic", "received_by": "Lê Văn Cường", "day_id": day_id,
            "counts": SessionCounts(visits=3, people=4, matters=2)}  # fmt: skip
    with transaction(world.factory) as session, pytest.raises(BadRequest, match="thuộc đơn vị khác"):
        record_session(session, actor, unit_id=world.units["w11"], **base, at=world.clock.now())
    with transaction(world.factory) as session:
        record = record_session(session, actor, unit_id=world.units["d1"], **base, at=world.clock.now())
        assert (record.day_id, record.level) == (day_id, ReceptionLevel.DISTRICT)
