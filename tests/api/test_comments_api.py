"""Comments over REST: the threads, posting with mentions, replies and files, and every refusal a clear 4xx."""

import hashlib

from sqlalchemy import select

from engine.cases.audit import verify_chain
from engine.cases.comments import COMMENT_MAX_CHARS
from engine.cases.queries import case_events
from engine.core.db import transaction
from engine.core.models import Notification, User
from tests.cases import start_report


def comments_url(case_id: int) -> str:
    return f"/api/cases/{case_id}/comments"


def test_an_officer_mentions_a_colleague_who_is_notified_and_reads_the_thread(api, world):
    case_id = start_report(world)
    with transaction(world.factory) as session:
        session.scalars(select(User).where(User.username == "officer2")).one().full_name = "Trần Thị Bình"
    posted = api.post(comments_url(case_id), "officer1", json={"body": "@officer2 xem giúp biên bản"})
    assert posted.status_code == 201, posted.text
    comment = posted.json()
    assert comment["author"] == {"username": "officer1", "full_name": "Nguyễn Văn An"}
    assert comment["mentions"] == [{"username": "officer2", "full_name": "Trần Thị Bình"}]
    assert comment["parent_id"] is None and comment["replies"] == [] and comment["attachments"] == []

    reply = api.post(comments_url(case_id), "officer2", json={"body": "Đã xem", "parent_id": comment["id"]})
    assert reply.status_code == 201 and reply.json()["parent_id"] == comment["id"]

    listed = api.get(comments_url(case_id), "supervisor1")
    assert listed.status_code == 200
    [thread] = listed.json()
    assert thread["body"] == "@officer2 xem giúp biên bản"
    assert [(r["author"]["username"], r["body"]) for r in thread["replies"]] == [("officer2", "Đã xem")]

    with world.factory() as session:
        told = session.execute(select(User.username, Notification.kind, Notification.text)
                               .join(User, User.id == Notification.user_id)
                               .where(Notification.kind == "mention")).all()  # fmt: skip
        assert [(user, kind) for user, kind, _ in told] == [("officer2", "mention")]
        assert "biên bản" not in told[0][2]
        added = [e for e in case_events(session, case_id) if e.kind == "comment_added"]
        assert [e.payload["body_sha256"] for e in added] == [
            hashlib.sha256("@officer2 xem giúp biên bản".encode()).hexdigest(),
            hashlib.sha256("Đã xem".encode()).hexdigest(),
        ]
        assert verify_chain(session, case_id).valid


def test_a_comment_with_files_lists_them_and_they_download_as_case_files(api, world):
    case_id = start_report(world)
    files = [("files", ("bien-ban.txt", b"bien ban", "text/plain")),
             ("protected_files", ("don.pdf", b"don goc", "application/pdf"))]  # fmt: skip
    posted = api.post(f"{comments_url(case_id)}/with-files", "officer1", data={"body": "Gửi kèm"}, files=files)
    assert posted.status_code == 201, posted.text
    attachments = posted.json()["attachments"]
    assert [(a["file_name"], a["identity_bearing"]) for a in attachments] == [
        ("bien-ban.txt", False), ("tai-lieu-co-danh-tinh-duoc-bao-ve.pdf", True),
    ]  # fmt: skip
    plain = api.get(f"/api/attachments/{attachments[0]['id']}", "officer2")
    assert plain.status_code == 200 and plain.content == b"bien ban"
    assert api.get(f"/api/attachments/{attachments[1]['id']}", "officer2").status_code == 403, "identity readers only"
    assert len(api.get(f"/api/cases/{case_id}/attachments", "officer1").json()) == 2


def test_refusals_name_the_problem(api, world):
    case_id, other_case_id = start_report(world), start_report(world)
    elsewhere = api.post(comments_url(other_case_id), "officer1", json={"body": "Ở hồ sơ khác"}).json()["id"]
    for body, status, words in (
        ({"body": "   "}, 400, "empty"),
        ({"body": "Nhờ @khong_co_ai xem"}, 400, "@khong_co_ai"),
        ({"body": "Nhờ @officer_d2 xem"}, 400, "@officer_d2"),
        ({"body": "Trả lời", "parent_id": elsewhere}, 400, "is not a comment of case"),
        ({"body": "a\x00b"}, 400, "NUL"),
        ({"body": "x" * (COMMENT_MAX_CHARS + 1)}, 422, "body"),
        ({}, 422, "body"),
    ):
        answer = api.post(comments_url(case_id), "officer1", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert words in answer.json()["detail"] or words in str(answer.json().get("errors")), answer.text
    world.settings.max_attachment_bytes = 5
    too_big = api.post(f"{comments_url(case_id)}/with-files", "officer1", data={"body": "Kèm"},
                       files=[("files", ("to.bin", b"x" * 6, "application/octet-stream"))])  # fmt: skip
    assert too_big.status_code == 413 and "to.bin" in too_big.json()["detail"]
    empty = api.post(f"{comments_url(case_id)}/with-files", "officer1", data={"body": "Kèm"},
                     files=[("files", ("rong.txt", b"", "text/plain"))])  # fmt: skip
    assert empty.status_code == 400 and "rong.txt" in empty.json()["detail"]
    assert api.get(comments_url(case_id), "officer1").json() == []


def test_who_may_read_and_post(api, world):
    case_id = start_report(world)
    assert api.client.get(comments_url(case_id)).status_code == 401
    assert api.client.post(comments_url(case_id), json={"body": "x"}).status_code == 401
    for user in ("designer1", "custodian1", "admin1"):
        assert api.get(comments_url(case_id), user).status_code == 403
        assert api.post(comments_url(case_id), user, json={"body": "x"}).status_code == 403
    for answer in (
        api.get(comments_url(case_id), "officer_d2"),
        api.post(comments_url(case_id), "officer_d2", json={"body": "x"}),
        api.get(comments_url(999_999), "officer1"),
    ):
        assert answer.status_code == 404 and "does not exist" in answer.json()["detail"]
