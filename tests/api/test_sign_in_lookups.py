"""The acting person of a request: one statement for a bearer token, two for a page, however many units they see,
and never a stale answer."""

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, event, select

from api.app import create_app
from api.deps import CurrentActor
from api.web.context import WebPage
from engine.core.models import RevokedToken, User, UserUnit
from engine.people.auth import read_token
from tests.web_session import Browser


def _probe_app(world) -> FastAPI:
    app = create_app(world.settings, services=world.services, session_factory=world.factory, run_scheduler=False)

    @app.get("/probe/api")
    async def api_probe(actor: CurrentActor) -> dict:
        return {"roles": sorted(actor.roles), "units": sorted(actor.unit_ids), "sees": sorted(actor.visible_unit_ids)}

    @app.get("/probe/web")
    async def web_probe(page: WebPage) -> dict:
        actor = page.actor
        return {"roles": sorted(actor.roles), "units": sorted(actor.unit_ids), "sees": sorted(actor.visible_unit_ids)}

    return app


@contextmanager
def _selects(world) -> Iterator[list[str]]:
    statements: list[str] = []
    bind = world.factory.kw["bind"]

    def record(conn, cursor, statement, *args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(bind, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", record)


def _give_units(world, username: str, codes: list[str]) -> None:
    with world.factory() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        for code in codes:
            session.add(UserUnit(user_id=user_id, unit_id=world.units[code]))
        session.commit()


def test_a_bearer_request_resolves_its_actor_in_one_statement_however_many_units_they_see(world, api):
    client = TestClient(_probe_app(world))
    headers = api.auth("officer1")
    with _selects(world) as statements:
        answer = client.get("/probe/api", headers=headers)
    assert answer.status_code == 200 and answer.json()["units"] == [world.units["d1"]]
    assert len(statements) == 1, statements
    _give_units(world, "officer1", ["d2", "w21"])
    with _selects(world) as statements:
        answer = client.get("/probe/api", headers=headers)
    wide = answer.json()
    assert wide["units"] == sorted(world.units[c] for c in ("d1", "d2", "w21"))
    assert wide["sees"] == sorted(world.units[c] for c in ("d1", "d2", "w11", "w12", "w21", "w22"))
    assert len(statements) == 1, statements


def test_a_bearer_request_of_a_person_without_units_sees_no_unit(world, api):
    client = TestClient(_probe_app(world))
    headers = api.auth("officer1")
    with world.factory() as session:
        user_id = session.scalar(select(User.id).where(User.username == "officer1"))
        session.execute(delete(UserUnit).where(UserUnit.user_id == user_id))
        session.commit()
    answer = client.get("/probe/api", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"roles": ["officer"], "units": [], "sees": []}


def test_a_bearer_request_builds_its_actor_without_loading_a_user_instance(world, api):
    loaded: list[str] = []

    def record(user, context) -> None:
        loaded.append(user.username)

    client = TestClient(_probe_app(world))
    headers = api.auth("officer1")
    event.listen(User, "load", record)
    try:
        answer = client.get("/probe/api", headers=headers)
    finally:
        event.remove(User, "load", record)
    assert answer.status_code == 200 and answer.json()["roles"] == ["officer"]
    assert loaded == []


def test_a_page_request_resolves_its_actor_in_two_statements(world, web):
    browser = Browser(TestClient(_probe_app(world), cookies={})).login("supervisor1")
    with _selects(world) as statements:
        answer = browser.get("/probe/web")
    assert answer.status_code == 200, answer.text
    assert answer.json()["sees"] == sorted(world.units[c] for c in ("d1", "w11", "w12"))
    assert len(statements) == 2, statements


def test_a_token_revoked_by_another_session_is_refused_on_the_next_request(world, api):
    client = TestClient(_probe_app(world))
    headers = api.auth("officer1")
    assert client.get("/probe/api", headers=headers).status_code == 200
    token = headers["Authorization"].removeprefix("Bearer ")
    signed = read_token(token, secret=world.settings.secret_key)
    assert signed is not None
    with world.factory() as session:  # as another process would: straight to the database
        session.add(RevokedToken(token_id=signed.token_id, expires_at=signed.expires_at))
        session.commit()
    assert client.get("/probe/api", headers=headers).status_code == 401


def test_a_role_unit_or_account_changed_by_another_session_counts_on_the_next_request(world, api):
    client = TestClient(_probe_app(world))
    headers = api.auth("officer1")
    assert client.get("/probe/api", headers=headers).json()["roles"] == ["officer"]
    with world.factory() as session:
        user = session.scalars(select(User).where(User.username == "officer1")).one()
        user.roles = ["team_lead"]
        session.execute(delete(UserUnit).where(UserUnit.user_id == user.id))
        session.add(UserUnit(user_id=user.id, unit_id=world.units["w22"]))
        session.commit()
    changed = client.get("/probe/api", headers=headers).json()
    assert changed == {"roles": ["team_lead"], "units": [world.units["w22"]], "sees": [world.units["w22"]]}
    with world.factory() as session:
        session.scalars(select(User).where(User.username == "officer1")).one().is_active = False
        session.commit()
    assert client.get("/probe/api", headers=headers).status_code == 401


def test_a_page_session_revoked_or_deactivated_elsewhere_is_sent_to_the_login_page(world, web):
    app = _probe_app(world)
    browser = Browser(TestClient(app, cookies={})).login("officer2")
    assert browser.client.get("/probe/web", follow_redirects=False).status_code == 200
    with world.factory() as session:
        session.scalars(select(User).where(User.username == "officer2")).one().is_active = False
        session.commit()
    assert browser.client.get("/probe/web", follow_redirects=False).status_code == 303
