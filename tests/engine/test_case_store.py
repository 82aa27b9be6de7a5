"""The case store's detached rows: the same values the ORM loads, and writable back with the versioned UPDATE."""

from sqlalchemy import select

from engine.cases.enums import TaskStatus
from engine.cases.queries import open_tasks_of_case
from engine.cases.store import CaseStore
from engine.core.db import transaction
from engine.core.models import Case, HumanTask
from tests.cases import SCREEN_IN, complete, start_report


def _columns(instance) -> dict:
    return {column.key: getattr(instance, column.key) for column in type(instance).__table__.columns}


def test_a_task_and_its_case_read_detached_hold_what_the_orm_loads(world):
    case_id = start_report(world)
    task_id = world.ready_task(case_id, "screen_report").id
    with world.factory() as session:
        task, case = CaseStore(session).task_with_case(task_id)
        assert task not in session and case not in session
        by_orm_task, by_orm_case = session.get(HumanTask, task_id), session.get(Case, case_id)
        assert _columns(task) == _columns(by_orm_task)
        assert _columns(case) == _columns(by_orm_case)
        assert _columns(CaseStore(session).case(case_id)) == _columns(by_orm_case)
        assert _columns(CaseStore(session).task(task_id)) == _columns(by_orm_task)


def test_a_case_s_open_tasks_read_detached_hold_what_the_orm_loads_oldest_first(world):
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    with world.factory() as session:
        tasks = open_tasks_of_case(session, case_id)
        by_orm = session.scalars(
            select(HumanTask)
            .where(HumanTask.case_id == case_id, HumanTask.state == TaskStatus.READY)
            .order_by(HumanTask.created_at)
        ).all()
        assert tasks and not any(task in session for task in tasks)
        assert [_columns(task) for task in tasks] == [_columns(task) for task in by_orm]
        assert open_tasks_of_case(session, case_id + 1000) == []


def test_a_detached_case_is_written_back_with_its_changes_and_a_new_version(world):
    case_id = start_report(world)
    with transaction(world.factory) as session:
        store = CaseStore(session)
        case = store.case(case_id)
        version = case.version
        case.screening, case.violation = "accepted", True  # columns written only when changed
        store.save_case(case)
        assert case.version == version + 1
    with world.factory() as session:
        stored = session.get(Case, case_id)
        assert (stored.version, stored.screening, stored.violation) == (version + 1, "accepted", True)
