"""Administration: accounts without admin-set passwords, one-time password links, the unit tree, the role overview."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.core.db import transaction
from engine.core.errors import Forbidden, NotFound
from engine.core.models import AdminEvent, PasswordLink, Unit, User
from engine.people.accounts import (
    AccountExists,
    InvalidAccountData,
    create_account,
    list_accounts,
    role_overview,
    update_account,
)
from engine.people.auth import authenticate
from engine.people.directory import unit_tree
from engine.people.password_links import (
    PasswordLinkInvalid,
    issue_password_link,
    open_password_link,
    set_password_with_link,
)
from engine.people.signed_in import signed_in_user
from engine.people.unit_admin import InvalidUnitData, UnitExists, UnitInUse, add_unit, change_unit, retire_unit
from engine.people.units import subtree_unit_ids
from engine.portal.filing import receiving_units
from tests.cases import start_report

NEW_PASSWORD = "mat-khau-moi-2027"


def new_account(world, username: str = "tran.thi.mai", **overrides) -> None:
    values = {"full_name": "Trần Thị Mai", "roles": ["officer"], "unit_codes": ["w11"], "email": "mai@example.vn"}
    with transaction(world.factory) as session:
        create_account(session, world.actor("admin1"), username=username, now=world.clock.now(), **(values | overrides))


def issue_link(world, username: str = "tran.thi.mai") -> str:
    with transaction(world.factory) as session:
        return issue_password_link(session, world.actor("admin1"), username, now=world.clock.now()).token


def events(world, target: str) -> list[str]:
    with world.factory() as session:
        query = select(AdminEvent.action).where(AdminEvent.target == target).order_by(AdminEvent.id)
        return list(session.scalars(query))


def test_an_admin_creates_an_account_that_signs_in_only_after_choosing_a_password_by_link(world):
    new_account(world)
    with world.factory() as session:
        user = session.scalars(select(User).where(User.username == "tran.thi.mai")).one()
        assert (user.full_name, user.roles, user.email) == ("Trần Thị Mai", ["officer"], "mai@example.vn")
        assert [u.code for u in user.units] == ["w11"]
        assert authenticate(session, "tran.thi.mai", "") is None  # no password works yet
    token = issue_link(world)
    with world.factory() as session:
        stored = session.scalars(select(PasswordLink.token_hash)).one()
        assert token not in stored and len(stored) == 64  # only the SHA-256 is kept
        assert open_password_link(session, token, now=world.clock.now()).full_name == "Trần Thị Mai"
    with transaction(world.factory) as session:
        assert set_password_with_link(session, token, NEW_PASSWORD, now=world.clock.now()) == "tran.thi.mai"
    with world.factory() as session:
        assert authenticate(session, "tran.thi.mai", NEW_PASSWORD) is not None
    assert events(world, "tran.thi.mai") == ["user_created", "password_link_issued", "password_set"]


def test_a_password_link_works_once_and_expires_after_a_day_and_a_newer_link_replaces_it(world):
    new_account(world)
    first = issue_link(world)
    second = issue_link(world)
    with world.factory() as session, pytest.raises(PasswordLinkInvalid):
        open_password_link(session, first, now=world.clock.now())  # replaced by the second
    with transaction(world.factory) as session:
        set_password_with_link(session, second, NEW_PASSWORD, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(PasswordLinkInvalid, match="đã được dùng"):
        set_password_with_link(session, second, "mot-mat-khau-khac", now=world.clock.now())
    third = issue_link(world)
    world.clock.advance(timedelta(hours=24, seconds=1))
    with transaction(world.factory) as session, pytest.raises(PasswordLinkInvalid, match="hết hạn"):
        set_password_with_link(session, third, "mot-mat-khau-khac", now=world.clock.now())
    with world.factory() as session:
        assert authenticate(session, "tran.thi.mai", NEW_PASSWORD) is not None


def test_a_short_password_is_refused_and_leaves_the_link_usable(world):
    new_account(world)
    token = issue_link(world)
    with transaction(world.factory) as session, pytest.raises(InvalidAccountData, match="ít nhất 10 ký tự"):
        set_password_with_link(session, token, "ngan", now=world.clock.now())
    with world.factory() as session:
        assert open_password_link(session, token, now=world.clock.now()).username == "tran.thi.mai"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": "Bad Name"}, "username", "Tên đăng nhập"),
        ({"full_name": "   "}, "full_name", "Họ tên không được để trống"),
        ({"roles": ["citizen"]}, "roles", "Vai trò không hợp lệ: citizen"),
        ({"roles": []}, "roles", "ít nhất một vai trò"),
        ({"unit_codes": ["khong-co"]}, "units", "Không có đơn vị mã 'khong-co'"),
        ({"email": "khong-phai-email"}, "email", "e-mail 'khong-phai-email'"),
    ],
)
def test_bad_account_values_are_refused_naming_the_field(world, overrides, field, message):
    overrides = dict(overrides)  # the parameter is shared by both backends' runs
    username = overrides.pop("username", "tran.thi.mai")
    with pytest.raises(InvalidAccountData, match=message) as refused:
        new_account(world, username, **overrides)
    assert refused.value.errors[0].field == field


def test_a_taken_username_is_a_conflict_and_only_admins_create_accounts(world):
    with pytest.raises(AccountExists, match="officer1"):
        new_account(world, "officer1")
    with transaction(world.factory) as session, pytest.raises(Forbidden, match="administer"):
        create_account(session, world.actor("supervisor1"), username="x.y.z", full_name="X", roles=["officer"],
                       unit_codes=["d1"], now=world.clock.now())  # fmt: skip


def test_disabling_an_account_ends_its_access_and_admins_cannot_lock_themselves_out(world):
    admin = world.actor("admin1")
    token = issue_link(world, "officer2")
    with world.factory() as session:
        assert signed_in_user(session, username="officer2", token_id="a-token-never-revoked") is not None
    with transaction(world.factory) as session:
        update_account(session, admin, "officer2", {"active": False}, now=world.clock.now())
    with world.factory() as session:
        assert signed_in_user(session, username="officer2", token_id="a-token-never-revoked") is None
        assert authenticate(session, "officer2", "phananh-test-pw") is None
    with transaction(world.factory) as session:
        update_account(session, admin, "officer2", {"active": True}, now=world.clock.now())
    with world.factory() as session, pytest.raises(PasswordLinkInvalid):
        open_password_link(session, token, now=world.clock.now())  # the link died with the disabling
    with transaction(world.factory) as session, pytest.raises(InvalidAccountData, match="tự khóa"):
        update_account(session, admin, "admin1", {"active": False}, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(InvalidAccountData, match="vai trò quản trị"):
        update_account(session, admin, "admin1", {"roles": ["designer"]}, now=world.clock.now())
    with world.factory() as session:
        query = select(AdminEvent.details).where(AdminEvent.target == "officer2", AdminEvent.action == "user_updated")
        changes = list(session.scalars(query.order_by(AdminEvent.id)))
    assert changes == [{"active": [True, False]}, {"active": [False, True]}]


def test_staff_change_only_their_own_email_and_notification_preferences(world):
    officer = world.actor("officer1")
    with transaction(world.factory) as session:
        changes = {"email": "an@example.vn", "notification_mode": "digest", "digest_hour": 17}
        user = update_account(session, officer, "officer1", changes, now=world.clock.now())
        assert (user.email, user.notification_mode, user.digest_hour) == ("an@example.vn", "digest", 17)
    with transaction(world.factory) as session, pytest.raises(Forbidden, match="only admins change roles"):
        update_account(session, officer, "officer1", {"roles": ["supervisor"]}, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(Forbidden, match="another person's account"):
        update_account(session, officer, "officer2", {"email": "x@example.vn"}, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(InvalidAccountData, match="từ 0 đến 23"):
        update_account(session, officer, "officer1", {"digest_hour": 24}, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(NotFound):
        update_account(session, world.actor("admin1"), "khong.co.ai", {"email": None}, now=world.clock.now())


def test_an_admin_changes_roles_and_units_and_the_search_finds_by_name(world):
    with transaction(world.factory) as session:
        update_account(session, world.actor("admin1"), "officer2", {"roles": ["team_lead", "officer"],
                       "units": ["d2"], "full_name": "Trần Thị Bình"}, now=world.clock.now())  # fmt: skip
    assert world.actor("officer2").roles == {"officer", "team_lead"}
    assert world.actor("officer2").sees_unit(world.units["w21"])
    admin = world.actor("admin1")
    with world.factory() as session:
        found = list_accounts(session, admin, "Bình")
        assert [u.username for u in found] == ["officer2"]
        assert len(list_accounts(session, admin)) == 9  # everyone, whatever their unit


def test_the_role_overview_lists_who_holds_which_role_where(world):
    with world.factory() as session:
        overview = role_overview(session, world.actor("admin1"))
    officers = [(g.unit_code, [p.username for p in g.people]) for g in overview if g.role == "officer"]
    assert officers == [("d1", ["officer1", "officer2"]), ("d2", ["officer_d2"])]
    assert [g.role for g in overview][-1] == "admin"


def test_units_are_created_renamed_and_moved_with_their_subtree(world):
    admin = world.actor("admin1")
    with transaction(world.factory) as session:
        add_unit(session, admin, code="w13", name="Phường 13", parent_code="d1", now=world.clock.now())
        add_unit(session, admin, code="w13-a", name="Chi bộ A", parent_code="w13", now=world.clock.now())
    with transaction(world.factory) as session:
        change_unit(session, admin, "w13", {"name": "Phường Mười Ba", "parent": "d2"}, now=world.clock.now())
    with world.factory() as session:
        d2 = session.scalars(select(Unit).where(Unit.code == "d2")).one()
        below_d2 = subtree_unit_ids(session, [d2])
        assert {world_unit(session, "w13"), world_unit(session, "w13-a")} <= below_d2
        assert session.scalars(select(Unit.name).where(Unit.code == "w13")).one() == "Phường Mười Ba"
    assert world.actor("supervisor_d2").sees_unit(world_unit_id(world, "w13-a"))
    assert not world.actor("supervisor1").sees_unit(world_unit_id(world, "w13-a"))
    assert events(world, "w13") == ["unit_created", "unit_changed"]


def world_unit(session, code: str) -> int:
    return session.scalars(select(Unit.id).where(Unit.code == code)).one()


def world_unit_id(world, code: str) -> int:
    with world.factory() as session:
        return world_unit(session, code)


def test_a_unit_cannot_move_under_itself_or_below_itself_and_codes_are_unique(world):
    admin = world.actor("admin1")
    with transaction(world.factory) as session, pytest.raises(InvalidUnitData, match="vòng lặp"):
        change_unit(session, admin, "d1", {"parent": "w11"}, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(InvalidUnitData, match="chính nó"):
        change_unit(session, admin, "d1", {"parent": "d1"}, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(UnitExists):
        add_unit(session, admin, code="d1", name="Trùng", parent_code=None, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(NotFound):
        change_unit(session, admin, "khong-co", {"name": "X"}, now=world.clock.now())


def test_retiring_a_unit_is_refused_while_it_has_open_cases_members_or_active_units_below(world):
    admin = world.actor("admin1")
    start_report(world)  # officer1's case of d1
    with transaction(world.factory) as session, pytest.raises(UnitInUse, match="đơn vị trực thuộc"):
        retire_unit(session, admin, "d1", now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(UnitInUse, match="cán bộ đang hoạt động"):
        create_account(session, admin, username="can.bo.w22", full_name="Cán Bộ", roles=["officer"],
                       unit_codes=["w22"], now=world.clock.now())  # fmt: skip
        session.flush()
        retire_unit(session, admin, "w22", now=world.clock.now())
    with transaction(world.factory) as session:
        for code in ("w11", "w12"):
            retire_unit(session, admin, code, now=world.clock.now())
    with transaction(world.factory) as session, pytest.raises(UnitInUse, match="còn 1 hồ sơ đang xử lý"):
        retire_unit(session, admin, "d1", now=world.clock.now())
    with world.factory() as session:
        assert session.scalars(select(Unit.retired_at).where(Unit.code == "d1")).one() is None


def test_a_retired_unit_leaves_the_tree_and_the_pickers_and_takes_no_new_members(world):
    admin = world.actor("admin1")
    with transaction(world.factory) as session:
        retire_unit(session, admin, "w12", now=world.clock.now())
    supervisor = world.actor("supervisor1")
    with world.factory() as session:
        codes = [u.code for u in receiving_units(session)]
        assert "w12" not in codes and "w11" in codes
        tree = unit_tree(session, supervisor.visible_unit_ids)
        assert [child.code for child in tree[0].children] == ["w11"]
    with pytest.raises(InvalidAccountData, match="đã giải thể"):
        new_account(world, unit_codes=["w12"])
    with transaction(world.factory) as session, pytest.raises(UnitInUse, match="từ trước"):
        retire_unit(session, admin, "w12", now=world.clock.now())
