"""Administration over REST: accounts, password links, the unit tree and the role overview (both backends)."""

from datetime import timedelta

from sqlalchemy import select

from engine.core.models import AdminEvent, Unit
from tests.cases import start_report

NEW_ACCOUNT = {"username": "le.thi.hoa", "full_name": "Lê Thị Hoa", "roles": ["officer"], "units": ["w11"],
               "email": "hoa@example.vn"}  # fmt: skip


def patch(api, url: str, user: str, body: dict):
    return api.client.patch(url, headers=api.auth(user), json=body)


def create(api, body: dict | None = None):
    return api.post("/api/users", "admin1", json=body or NEW_ACCOUNT)


def test_an_admin_creates_an_account_whose_link_sets_the_password_then_it_signs_in(api, world):
    created = create(api)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["account"] == {
        "username": "le.thi.hoa", "full_name": "Lê Thị Hoa", "roles": ["officer"], "email": "hoa@example.vn",
        "units": [{"code": "w11", "name": "Đơn vị w11"}], "active": True, "notification_mode": "immediate",
        "digest_hour": 7,
    }  # fmt: skip
    link = answer["password_link"]["url"]
    assert link.startswith("http://testserver/password/set/")
    token = api.client.post("/api/auth/token", data={"username": "le.thi.hoa", "password": "anything-at-all"})
    assert token.status_code == 401  # no password before the link is used
    path = link.removeprefix("http://testserver")
    page = api.client.get(path)
    assert page.status_code == 200 and "Lê Thị Hoa" in page.text
    chosen = api.client.post(path, data={"password": "hoa-mat-khau-2027", "password_again": "hoa-mat-khau-2027"})
    assert chosen.status_code == 200 and "Đã đặt mật khẩu" in chosen.text
    token = api.client.post("/api/auth/token", data={"username": "le.thi.hoa", "password": "hoa-mat-khau-2027"})
    assert token.status_code == 200
    assert api.client.get(path).status_code == 404  # used up


def test_duplicate_usernames_are_409_bad_values_422_and_non_admins_403(api):
    assert create(api).status_code == 201
    again = create(api)
    assert again.status_code == 409 and "le.thi.hoa" in again.json()["detail"]
    bad = create(api, {**NEW_ACCOUNT, "username": "khac.ten", "email": "khong-phai-email"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    citizen = create(api, {**NEW_ACCOUNT, "username": "cong.dan", "roles": ["citizen"]})
    assert citizen.status_code == 422 and "citizen" in citizen.json()["detail"]
    refused = api.post("/api/users", "supervisor1", json={**NEW_ACCOUNT, "username": "khac.nua"})
    assert refused.status_code == 403
    unknown_field = create(api, {**NEW_ACCOUNT, "username": "x.y.z", "password": "do-not-take-it"})
    assert unknown_field.status_code == 422


def test_patch_changes_roles_units_and_disables_the_account_which_ends_its_token(api):
    headers = api.auth("officer2")
    assert api.client.get("/api/auth/me", headers=headers).status_code == 200
    changed = patch(api, "/api/users/officer2", "admin1", {"roles": ["team_lead"], "units": ["d2"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["roles"] == ["team_lead"] and changed.json()["units"][0]["code"] == "d2"
    disabled = patch(api, "/api/users/officer2", "admin1", {"active": False})
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    assert api.client.get("/api/auth/me", headers=headers).status_code == 401
    assert patch(api, "/api/users/admin1", "admin1", {"active": False}).status_code == 422
    assert patch(api, "/api/users/admin1", "admin1", {"roles": ["designer"]}).status_code == 422
    assert patch(api, "/api/users/khong.co.ai", "admin1", {"email": None}).status_code == 404
    users = api.get("/api/users", "admin1").json()
    assert {"officer_d2", "custodian1", "officer2"} <= {u["username"] for u in users}  # admins see every unit


def test_staff_patch_their_own_preferences_only(api):
    own = patch(api, "/api/users/officer1", "officer1", {"email": "an@example.vn", "notification_mode": "off"})
    assert own.status_code == 200 and own.json()["notification_mode"] == "off"
    assert own.json()["email"] == "an@example.vn"
    roles = patch(api, "/api/users/officer1", "officer1", {"roles": ["supervisor"]})
    assert roles.status_code == 403 and "only admins change roles" in roles.json()["detail"]
    other = patch(api, "/api/users/officer2", "officer1", {"email": "x@example.vn"})
    assert other.status_code == 403
    assert patch(api, "/api/users/officer1", "officer1", {"digest_hour": 31}).status_code == 422
    assert patch(api, "/api/users/officer1", "officer1", {"notification_mode": "sometimes"}).status_code == 422


def test_a_password_reset_link_replaces_the_earlier_one_and_expires_after_a_day(api, world):
    first = api.post("/api/users/officer1/password-reset", "admin1")
    assert first.status_code == 201
    second = api.post("/api/users/officer1/password-reset", "admin1").json()
    assert api.client.get(first.json()["url"].removeprefix("http://testserver")).status_code == 404
    path = second["url"].removeprefix("http://testserver")
    assert api.client.get(path).status_code == 200
    world.clock.advance(timedelta(hours=25))
    late = api.client.post(path, data={"password": "mat-khau-muon-qua", "password_again": "mat-khau-muon-qua"})
    assert late.status_code == 404 and "hết hạn" in late.text
    assert api.post("/api/users/khong.co.ai/password-reset", "admin1").status_code == 404
    assert api.post("/api/users/officer1/password-reset", "supervisor1").status_code == 403


def test_units_are_created_moved_renamed_and_retired_over_rest(api, world):
    created = api.post("/api/units", "admin1", json={"code": "w13", "name": "Phường 13", "parent": "d1"})
    assert created.status_code == 201 and created.json() == {
        "code": "w13", "name": "Phường 13", "parent": "d1", "retired_at": None, "remote_area": False,
    }  # fmt: skip
    assert api.post("/api/units", "admin1", json={"code": "w13", "name": "Trùng"}).status_code == 409
    assert api.post("/api/units", "admin1", json={"code": "Có dấu", "name": "X"}).status_code == 422
    moved = patch(api, "/api/units/w13", "admin1", {"parent": "d2", "name": "Phường Mười Ba"})
    assert moved.status_code == 200 and moved.json()["parent"] == "d2" and moved.json()["name"] == "Phường Mười Ba"
    cycle = patch(api, "/api/units/d2", "admin1", {"parent": "w13"})
    assert cycle.status_code == 422 and "vòng lặp" in cycle.json()["detail"]
    assert patch(api, "/api/units/khong-co", "admin1", {"name": "X"}).status_code == 404
    retired = api.post("/api/units/w13/retire", "admin1")
    assert retired.status_code == 200 and retired.json()["retired_at"] is not None
    tree = api.get("/api/units", "supervisor_d2").json()
    assert "w13" not in [child["code"] for child in tree[0]["children"]]
    with world.factory() as session:
        assert session.scalars(select(Unit.retired_at).where(Unit.code == "w13")).one() is not None
        actions = session.scalars(select(AdminEvent.action).where(AdminEvent.target == "w13").order_by(AdminEvent.id))
        assert list(actions) == ["unit_created", "unit_changed", "unit_retired"]


def test_an_admin_marks_a_unit_as_a_remote_area_over_rest(api, world):
    marked = patch(api, "/api/units/w11", "admin1", {"remote_area": True})
    assert marked.status_code == 200 and marked.json()["remote_area"] is True
    assert patch(api, "/api/units/w11", "admin1", {"remote_area": None}).status_code == 422
    assert patch(api, "/api/units/w11", "supervisor1", {"remote_area": False}).status_code == 403
    with world.factory() as session:
        assert session.scalars(select(Unit.remote_area).where(Unit.code == "w11")).one() is True
        details = session.scalars(select(AdminEvent.details).where(AdminEvent.target == "w11")).one()
    assert details == {"remote_area": [False, True]}


def test_retiring_a_unit_in_use_is_a_409_naming_why(api, world):
    start_report(world)
    in_use = api.post("/api/units/d1/retire", "admin1")
    assert in_use.status_code == 409 and "đơn vị trực thuộc" in in_use.json()["detail"]
    members = api.post("/api/units/city/retire", "admin1")
    assert members.status_code == 409


def test_the_role_overview_names_people_by_role_and_unit(api):
    overview = api.get("/api/roles/overview", "admin1")
    assert overview.status_code == 200
    supervisors = [g for g in overview.json() if g["role"] == "supervisor"]
    assert [(g["unit"]["code"], [p["username"] for p in g["people"]]) for g in supervisors] == [
        ("d1", ["supervisor1"]), ("d2", ["supervisor_d2"]),
    ]  # fmt: skip
    assert api.get("/api/roles/overview", "supervisor1").status_code == 403
