"""Users and units over REST: the staff of my units for leads and supervisors, the unit tree for all staff."""

from engine.core.db import transaction
from engine.people.auth import create_user
from engine.people.units import unit_by_code
from tests.factories import PASSWORD


def test_a_supervisor_lists_the_staff_of_their_units_and_below(api):
    response = api.get("/api/users", "supervisor1")
    assert response.status_code == 200
    users = {u["username"]: u for u in response.json()}
    expected = {"officer1", "officer2", "lead1", "supervisor1", "designer1", "admin1"}
    assert set(users) == expected, "d1 and the wards below it"
    assert users["lead1"] == {
        "username": "lead1", "full_name": "Lê Văn Cường", "roles": ["team_lead"], "active": True,
        "units": [{"id": users["lead1"]["units"][0]["id"], "code": "d1", "name": "Đơn vị d1"}],
        "email": None, "notification_mode": "immediate", "digest_hour": 7,
    }  # fmt: skip
    assert [u["username"] for u in response.json()] == sorted(users)
    d2 = {u["username"] for u in api.get("/api/users", "supervisor_d2").json()}
    assert d2 == {"officer_d2", "supervisor_d2"}
    assert {u["username"] for u in api.get("/api/users", "lead1").json()} == set(users)


def test_the_unit_tree_holds_my_units_and_every_unit_below_them(api):
    city = api.get("/api/units", "custodian1")
    assert city.status_code == 200
    [root] = city.json()
    assert (root["code"], root["parent_id"]) == ("city", None)
    assert {d["code"]: sorted(w["code"] for w in d["children"]) for d in root["children"]} == {
        "d1": ["w11", "w12"],
        "d2": ["w21", "w22"],
    }
    [district] = api.get("/api/units", "officer1").json()
    assert district["code"] == "d1" and district["parent_id"] == root["id"]
    assert sorted(w["code"] for w in district["children"]) == ["w11", "w12"]
    assert all(w["children"] == [] for w in district["children"])


def test_people_routes_refuse_anonymous_callers_and_roles_that_may_not_list(api, world):
    assert api.client.get("/api/users").status_code == 401
    assert api.client.get("/api/units").status_code == 401
    for user in ("officer1", "designer1", "custodian1"):
        refused = api.get("/api/users", user)
        assert refused.status_code == 403 and user in refused.json()["detail"]
    with transaction(world.factory) as session:
        create_user(session, username="citizen1", password=PASSWORD, roles=["citizen"], units=[])
        assert unit_by_code(session, "d1") is not None and unit_by_code(session, "nowhere") is None
    assert api.get("/api/units", "citizen1").status_code == 403
    assert api.get("/api/users", "citizen1").status_code == 403
