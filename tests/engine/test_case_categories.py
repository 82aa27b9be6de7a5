"""Case categories (mass, complex, prolonged) and 1374 reports grouped under one matter."""

import pytest
from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.categories import CaseCategoryKind, category_dashboard, set_case_categories
from engine.core.db import transaction
from engine.core.errors import BadRequest, Forbidden
from engine.core.models import AuditEvent, Case
from engine.petitions.report_matters import group_reports, reports_in, similar_reports
from tests.cases import start_report
from tests.factories import INTAKE


def _flag(world, case_id: int, categories: list[str], username: str = "lead1"):
    actor = world.actor(username)
    with transaction(world.factory) as session:
        return set_case_categories(session, actor, case_id=case_id, categories=categories, at=world.clock.now())


def test_a_lead_flags_a_case_and_each_change_is_audited(world):
    case_id = start_report(world)
    assert _flag(world, case_id, ["mass", "prolonged"]) == [CaseCategoryKind.MASS, CaseCategoryKind.PROLONGED]
    assert _flag(world, case_id, ["complex", "mass"]) == [CaseCategoryKind.MASS, CaseCategoryKind.COMPLEX]
    _flag(world, case_id, ["complex", "mass"])  # no change, no event
    with world.factory() as session:
        events = session.scalars(
            select(AuditEvent.payload).where(AuditEvent.case_id == case_id, AuditEvent.kind == "categories_changed")
        ).all()
        assert verify_chain(session, case_id).valid
    assert events == [{"added": ["mass", "prolonged"], "removed": []}, {"added": ["complex"], "removed": ["prolonged"]}]


def test_officers_and_other_units_may_not_flag_and_unknown_categories_are_named(world):
    case_id = start_report(world)
    with pytest.raises(Forbidden):
        _flag(world, case_id, ["mass"], username="officer1")
    with pytest.raises(BadRequest, match="urgent"):
        _flag(world, case_id, ["urgent"])


def test_the_dashboard_lists_flagged_cases_of_the_units_with_counts(world):
    flagged, other, plain = start_report(world), start_report(world), start_report(world)
    _flag(world, flagged, ["mass", "complex"])
    _flag(world, other, ["complex"])
    supervisor, d2 = world.actor("supervisor1"), world.actor("supervisor_d2")
    with world.factory() as session:
        board = category_dashboard(session, supervisor)
        only_mass = category_dashboard(session, supervisor, category="mass")
        elsewhere = category_dashboard(session, d2)
    assert [c.case.id for c in board.cases] == [flagged, other] and plain not in [c.case.id for c in board.cases]
    assert board.counts == {CaseCategoryKind.MASS: 1, CaseCategoryKind.COMPLEX: 2, CaseCategoryKind.PROLONGED: 0}
    assert board.open_counts[CaseCategoryKind.COMPLEX] == 2
    assert board.cases[0].deadline is not None and board.cases[0].unit_name == "Đơn vị d1"
    assert [c.case.id for c in only_mass.cases] == [flagged] and elsewhere.cases == []


def test_1374_reports_about_the_same_subject_are_grouped_under_one_matter(world):
    first = start_report(world)
    start_report(world, {**INTAKE, "title": "Trường học thu sai học phí", "subject": {"name": "Trường THCS A"}})
    again = start_report(world, {**INTAKE, "title": "Cán bộ địa chính gây khó dễ, đòi tiền"})
    officer = world.actor("officer1")
    with world.factory() as session:
        similar = similar_reports(session, officer, case_id=again)
    assert [c.case_id for c in similar][:1] == [first]
    with transaction(world.factory) as session:
        matter = group_reports(session, officer, case_id=again, with_case_id=first, at=world.clock.now())
    with world.factory() as session:
        rows = session.execute(select(Case.id, Case.matter_id).where(Case.id.in_([first, again]))).all()
        assert reports_in(session, matter.id) == 2 and verify_chain(session, again).valid
        kinds = session.scalars(select(AuditEvent.kind).where(AuditEvent.case_id == again)).all()
    assert {matter_id for _id, matter_id in rows} == {matter.id} and "matter_joined" in kinds


def test_only_1374_reports_are_grouped_this_way(world):
    report = start_report(world)
    officer = world.actor("officer1")
    with transaction(world.factory) as session, pytest.raises(BadRequest, match="không gộp với chính nó"):
        group_reports(session, officer, case_id=report, with_case_id=report, at=world.clock.now())
