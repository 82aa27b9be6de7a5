"""What a request costs around its route: the liveness check's ping, the auth look-ups' transaction, the answer."""

import asyncio

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import CurrentActor, DbSession
from api.routes.health import Liveness
from engine.core.db import make_engine, make_session_factory
from tests.cases import SCREEN_IN, start_report


def test_healthz_pings_the_database_at_most_once_a_second_while_it_answers(world):
    liveness = Liveness(world.factory, fresh_seconds=3600)
    answers = asyncio.run(_checks(liveness, 20))
    assert {a.status for a in answers} == {"ok"} and liveness.pings == 1
    stale = Liveness(world.factory, fresh_seconds=0)
    asyncio.run(_checks(stale, 3))
    assert stale.pings == 3


def test_healthz_never_reuses_a_failure(world):
    unreachable = make_session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"))
    liveness = Liveness(unreachable, fresh_seconds=3600)
    answers = asyncio.run(_checks(liveness, 2, together=False))
    assert [a.status for a in answers] == ["degraded", "degraded"] and liveness.pings == 2


async def _checks(liveness: Liveness, count: int, *, together: bool = True):
    if together:
        return await asyncio.gather(*(liveness.check() for _ in range(count)))
    return [await liveness.check() for _ in range(count)]


def test_the_auth_lookups_leave_no_transaction_open_on_sqlite_before_the_route_runs(world, api):
    app: FastAPI = create_app(world.settings, services=world.services, session_factory=world.factory,
                              run_scheduler=False)  # fmt: skip

    @app.get("/probe")
    def probe(session: DbSession, actor: CurrentActor) -> dict:
        return {"open": session.in_transaction(), "user": actor.username}

    with TestClient(app) as client:
        answer = client.get("/probe", headers=api.auth("officer1")).json()
    assert answer["user"] == "officer1"
    assert answer["open"] is (world.settings.database_url.startswith("postgresql"))


def test_the_completion_answer_holds_the_data_a_fresh_read_of_the_case_shows(world, api):
    case_id = start_report(world)
    task = world.ready_task(case_id, "screen_report")
    answer = api.post(f"/api/tasks/{task.id}/complete", "officer1", json={"data": SCREEN_IN})
    assert answer.status_code == 200, answer.text
    fresh = api.get(f"/api/cases/{case_id}", "officer1")
    assert fresh.status_code == 200
    assert answer.json()["data"] == fresh.json()["data"] and answer.json()["data"]["screening"] == "in_scope"
    assert answer.json()["open_tasks"] == fresh.json()["open_tasks"]


def test_the_completion_answer_is_serialized_once_and_still_documented_as_a_case_detail(world, api, monkeypatch):
    import fastapi.routing

    from api.schemas import CaseDetail

    api.auth("officer1")  # signed in before counting
    validations: list[object] = []
    serialize = fastapi.routing.serialize_response

    async def counting(**kwargs):
        validations.append(kwargs.get("field"))
        return await serialize(**kwargs)

    monkeypatch.setattr(fastapi.routing, "serialize_response", counting)
    task = world.ready_task(start_report(world), "screen_report")
    answer = api.post(f"/api/tasks/{task.id}/complete", "officer1", json={"data": SCREEN_IN})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert CaseDetail.model_validate_json(answer.text).data["screening"] == "in_scope"
    assert validations == []  # no second validation of the answer against the response model (nor its pool hop)
    operation = api.client.get("/openapi.json").json()["paths"]["/api/tasks/{task_id}/complete"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/CaseDetail")
