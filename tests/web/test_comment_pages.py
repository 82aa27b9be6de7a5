"""The case page's discussion (Trao đổi): post, mention by full name, reply, refusals; never on the portal."""

import re

from sqlalchemy import func, select

from engine.core.db import transaction
from engine.core.models import Case, CaseComment, EmailOutbox, Notification, User
from tests.cases import start_report, walk_to_publication
from tests.portal import file_on_portal, look_up, portal_client

REMARK = "Lời khai của người phản ánh Lê Thị Người Gửi cần đối chiếu"


def full_name(world, username: str, name: str) -> None:
    with transaction(world.factory) as session:
        session.scalars(select(User).where(User.username == username)).one().full_name = name


def post_comment(browser, case_id: int, data: dict, files=None):
    return browser.post_form(f"/cases/{case_id}/comments", data, csrf_from=f"/cases/{case_id}", files=files)


def test_an_officer_posts_a_comment_mentioning_a_colleague_shown_by_full_name_then_a_reply(web, world):
    case_id = start_report(world)
    full_name(world, "officer1", "Nguyễn Văn An")
    full_name(world, "officer2", "Trần Thị Bình")
    officer1 = web().login("officer1")
    empty = officer1.get(f"/cases/{case_id}")
    assert "Trao đổi" in empty.text and "Chưa có trao đổi nào." in empty.text

    posted = post_comment(officer1, case_id, {"body": "Nhờ @officer2 đối chiếu biên bản"},
                          files={"files": ("bien-ban.txt", b"bien ban", "text/plain")})  # fmt: skip
    assert posted.status_code == 303, posted.text
    assert re.fullmatch(rf"/cases/{case_id}#comment-\d+", posted.headers["location"])
    comment_id = int(posted.headers["location"].rsplit("-", 1)[1])

    page = officer1.get(f"/cases/{case_id}")
    thread = page.text[page.text.index(f'id="comment-{comment_id}"') :]
    assert '<strong class="comment__author">Nguyễn Văn An</strong>' in thread
    assert '<span class="mention" title="Tên đăng nhập: officer2">@Trần Thị Bình</span> đối chiếu biên bản' in thread
    assert world.clock.now().astimezone(world.services.calendar.zone).strftime("%d/%m/%Y %H:%M") in thread
    assert "bien-ban.txt" in thread and "Trao đổi" in page.text.split('id="timeline"')[1], "in the timeline"

    officer2 = web().login("officer2")
    reply = post_comment(officer2, case_id, {"body": "Đã đối chiếu", "parent_id": str(comment_id)})
    assert reply.status_code == 303
    page = officer2.get(f"/cases/{case_id}")
    assert page.text.count('class="comment comment--reply"') == 1 and "Đã đối chiếu" in page.text
    with world.factory() as session:
        mentions = select(Notification.link).where(Notification.kind == "mention")
        assert session.scalars(mentions).all() == [f"/cases/{case_id}#comment-{comment_id}"]


def test_a_refused_comment_shows_the_case_again_with_the_reason_in_vietnamese_and_keeps_the_text(web, world):
    case_id = start_report(world)
    officer1 = web().login("officer1")
    refused = post_comment(officer1, case_id, {"body": "Nhờ @khong_co_ai xem lại"})
    assert refused.status_code == 400
    assert "@khong_co_ai: không có cán bộ nào với tên đăng nhập này được xem hồ sơ" in refused.text
    assert ">Nhờ @khong_co_ai xem lại</textarea>" in refused.text, "what was typed is kept"
    empty = post_comment(officer1, case_id, {"body": "  "})
    assert empty.status_code == 400 and "Nội dung trao đổi không được để trống." in empty.text
    english = officer1.client.get(f"/cases/{case_id}?lang=en")
    assert "Discussion" in english.text and "No comments yet." in english.text


def test_people_who_may_not_comment_are_refused(web, world):
    case_id = start_report(world)
    designer = web().login("designer1")
    refused = designer.post_form(f"/cases/{case_id}/comments", {"body": "x"}, csrf_from="/designer")
    assert refused.status_code == 403 and "Không có quyền" in refused.text
    other_unit = web().login("officer_d2")
    hidden = other_unit.post_form(f"/cases/{case_id}/comments", {"body": "x"}, csrf_from="/cases")
    assert hidden.status_code == 404
    with world.factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseComment)) == 0


def _case_id(world, code: str) -> int:
    with world.factory() as session:
        return session.scalars(select(Case.id).where(Case.tracking_code == code)).one()


def test_comments_are_never_on_the_portal_nor_in_any_email(web, world):
    published = walk_to_publication(world, ["portal"], "Kết quả xử lý đã công khai")
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world, unit="d1")
        filed = _case_id(world, code)
        with world.factory() as session:
            outbox_before = session.scalar(select(func.count()).select_from(EmailOutbox))
        officer1 = web().login("officer1")
        for case_id in (published, filed):
            assert post_comment(officer1, case_id, {"body": f"{REMARK} @officer2"}).status_code == 303
        status_page = look_up(client, code, secret)
        pages = [status_page, client.get("/portal/cong-khai"), client.get("/api/portal/published")]
        assert status_page.status_code == 200 and "Kết quả xử lý đã công khai" in pages[1].text
    for page in pages:
        assert REMARK not in page.text and "Trao đổi" not in page.text and "officer2" not in page.text
    with world.factory() as session:
        assert session.scalar(select(func.count()).select_from(EmailOutbox)) == outbox_before
        assert not [b for b in session.scalars(select(EmailOutbox.body)) if REMARK in b]
        assert not [t for t in session.scalars(select(Notification.text)) if "Lê Thị" in t or REMARK in t]
