"""The writers of one process take turns on SQLite: the next begins when the one before ends, however it ends."""

import threading

import pytest
from sqlalchemy import text

from engine.core.db import make_engine, make_session_factory, read_only_connection, transaction
from engine.core.sqlite_writers import WriterTurns


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (0)")
    yield engine
    engine.dispose()


def test_a_turn_ends_with_the_commit_the_rollback_or_the_closing_of_its_session(engine):
    turns: WriterTurns = engine.sqlite_writer_turns
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        session.execute(text("UPDATE counter SET n = n + 1"))
        assert turns.held
    assert not turns.held
    session = factory()
    session.execute(text("UPDATE counter SET n = n + 1"))
    session.rollback()
    assert not turns.held
    session = factory()
    session.execute(text("SELECT n FROM counter"))
    assert turns.held  # every transaction but a declared read begins as a writer
    session.close()
    assert not turns.held
    with read_only_connection(engine) as connection:
        connection.execute(text("SELECT n FROM counter"))
        assert not turns.held  # a plain read takes no turn


def test_concurrent_writers_of_one_process_all_commit_one_after_the_other(engine):
    factory = make_session_factory(engine)
    inside, overlaps = [0], []
    guard = threading.Lock()

    def write() -> None:
        for _ in range(20):
            with transaction(factory) as session:
                session.execute(text("UPDATE counter SET n = n + 1"))
                with guard:
                    inside[0] += 1
                    overlaps.append(inside[0])
                session.execute(text("SELECT n FROM counter"))
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar() == 80
    assert max(overlaps) == 1 and not engine.sqlite_writer_turns.held


def test_a_turn_given_back_twice_or_by_another_connection_changes_nothing():
    turns = WriterTurns(timeout_seconds=1)
    first, second = object(), object()
    turns.take(first)
    turns.give_back(second)
    assert turns.held
    turns.give_back(first)
    turns.give_back(first)
    assert not turns.held
    turns.take(second)
    assert turns.held
