"""The admin's pages: accounts (list, search, create, edit, password link), the unit tree and the role overview."""

import re
from html import unescape

from sqlalchemy import select

from engine.core.models import Unit, User


def test_the_admin_lands_on_the_accounts_and_finds_people_by_full_name(web):
    admin = web().login("admin1")
    home = admin.client.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/admin/users"
    page = admin.get("/admin/users?q=officer_d2")
    assert page.status_code == 200 and "Tài khoản" in page.text and 'href="/admin/users"' in page.text
    assert "officer_d2" in page.text and "officer1" not in page.text
    assert "Chuyên viên xử lý" in page.text and "Đơn vị d2" in page.text  # role and unit by name
    assert "Quản trị" in admin.get("/admin/roles").text  # the nav link


def test_creating_an_account_shows_its_one_time_link_and_bad_input_keeps_the_form(web, world):
    admin = web().login("admin1")
    form = {"username": "Tên Sai", "full_name": "Ngô Thị Lan", "roles": ["officer"], "units": ["w11"]}
    refused = admin.post_form("/admin/users/new", form, csrf_from="/admin/users/new")
    assert refused.status_code == 422 and "Tên đăng nhập 'Tên Sai' không hợp lệ" in unescape(refused.text)
    assert 'value="Ngô Thị Lan"' in refused.text  # what was typed stays
    created = admin.post_form("/admin/users/new", {**form, "username": "ngo.thi.lan"}, csrf_from="/admin/users/new")
    assert created.status_code == 200 and "Đã tạo tài khoản Ngô Thị Lan" in created.text
    link = re.search(r'id="password-link"[^>]*value="([^"]+)"', created.text).group(1)
    assert "/password/set/" in link
    taken = admin.post_form("/admin/users/new", {**form, "username": "ngo.thi.lan"}, csrf_from="/admin/users/new")
    assert taken.status_code == 409 and "đã được dùng" in taken.text
    with world.factory() as session:
        user = session.scalars(select(User).where(User.username == "ngo.thi.lan")).one()
        assert [u.code for u in user.units] == ["w11"] and user.roles == ["officer"]


def test_editing_an_account_disables_it_and_shows_the_change_in_its_history(web, world):
    admin = web().login("admin1")
    officer = web().login("officer2")
    assert officer.get("/inbox").status_code == 200
    form = {
        "full_name": "Trần Thị Bình Minh",
        "email": "binh@example.vn",
        "roles": ["officer"],
        "units": ["d1"],
        "notification_mode": "digest",
        "digest_hour": "0",
    }  # no "active": the box is unticked
    saved = admin.post_form("/admin/users/officer2", form, csrf_from="/admin/users/officer2")
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/users?done=saved"
    assert "Đã lưu thay đổi." in admin.get("/admin/users?done=saved").text
    assert officer.client.get("/inbox", follow_redirects=False).headers["location"].startswith("/login")
    page = admin.get("/admin/users/officer2")
    assert "Sửa tài khoản: Trần Thị Bình Minh" in page.text
    assert "họ tên" in page.text and "trạng thái" in page.text  # the changed fields, in words
    with world.factory() as session:
        user = session.scalars(select(User).where(User.username == "officer2")).one()
        assert (user.is_active, user.notification_mode, user.digest_hour) == (False, "digest", 0)
    own = {**form, "full_name": "Quản Trị", "roles": ["officer"], "active": "on"}
    refused = admin.post_form("/admin/users/admin1", own, csrf_from="/admin/users/admin1")
    assert refused.status_code == 422 and "tự bỏ vai trò quản trị" in refused.text


def test_a_password_reset_link_from_the_account_page_sets_a_new_password(web, world):
    admin = web().login("admin1")
    shown = admin.post_form("/admin/users/officer1/password-reset", {}, csrf_from="/admin/users/officer1")
    assert shown.status_code == 200 and "Liên kết đặt lại mật khẩu" in shown.text
    path = re.search(r'value="http://testserver(/password/set/[^"]+)"', shown.text).group(1)
    visitor = web()
    form = visitor.get(path)
    assert form.status_code == 200 and "officer1" in form.text and "no-store" in form.headers["cache-control"]
    short = visitor.client.post(path, data={"password": "ngan", "password_again": "ngan"})
    assert short.status_code == 422 and "ít nhất 10 ký tự" in short.text
    done = visitor.client.post(path, data={"password": "mat-khau-moi-1", "password_again": "mat-khau-moi-1"})
    assert done.status_code == 200 and "Đã đặt mật khẩu" in done.text
    signed_in = visitor.client.post("/login", data={"username": "officer1", "password": "mat-khau-moi-1"},
                                    follow_redirects=False)  # fmt: skip
    assert signed_in.status_code == 303
    assert visitor.get(path).status_code == 404


def test_the_unit_tree_page_adds_moves_and_retires_units_and_explains_a_refusal(web, world):
    admin = web().login("admin1")
    page = admin.get("/admin/units")
    assert page.status_code == 200 and "Đơn vị w11" in page.text
    added = admin.post_form("/admin/units", {"code": "w13", "name": "Phường 13", "parent": "d1"},
                            csrf_from="/admin/units")  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == "/admin/units?done=created"
    moved = admin.post_form("/admin/units/w13", {"name": "Phường Mười Ba", "parent": "d2"}, csrf_from="/admin/units")
    assert moved.status_code == 303
    cycle = admin.post_form("/admin/units/d1", {"name": "Đơn vị d1", "parent": "w11"}, csrf_from="/admin/units")
    assert cycle.status_code == 422 and "vòng lặp" in cycle.text
    retired = admin.post_form("/admin/units/w13/retire", {}, csrf_from="/admin/units")
    assert retired.status_code == 303
    after = admin.get("/admin/units?done=retired")
    assert "Đã giải thể đơn vị." in after.text and "Đã giải thể ngày" in after.text
    refused = admin.post_form("/admin/units/d1/retire", {}, csrf_from="/admin/units")
    assert refused.status_code == 409 and "Chưa giải thể được đơn vị 'Đơn vị d1'" in unescape(refused.text)
    with world.factory() as session:
        w13 = session.scalars(select(Unit).where(Unit.code == "w13")).one()
        assert w13.name == "Phường Mười Ba" and w13.retired_at is not None


def test_the_role_overview_and_the_admin_pages_are_for_admins_only(web):
    admin = web().login("admin1")
    overview = admin.get("/admin/roles")
    assert overview.status_code == 200 and "Lãnh đạo đơn vị" in overview.text and "supervisor_d2" in overview.text
    supervisor = web().login("supervisor1")
    assert 'href="/admin/users"' not in supervisor.get("/inbox").text
    for url in ("/admin/users", "/admin/units", "/admin/roles", "/admin/users/officer1"):
        assert supervisor.get(url).status_code == 403


def test_the_pages_switch_to_english(web):
    admin = web().login("admin1")
    assert "Accounts" in admin.get("/admin/users?lang=en").text
    assert "Roles by unit" in admin.get("/admin/roles").text
