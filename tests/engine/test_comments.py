"""Comments on a case: threaded, @mentions notified, files attached, audited without their text, staff only."""

import hashlib

import pytest
from sqlalchemy import func, select

from engine.cases.audit import verify_chain
from engine.cases.comments import (
    COMMENT_MAX_CHARS,
    CommentFile,
    CommentFilesClosed,
    CommentFileTooLarge,
    CommentRefused,
    add_comment,
    comments_of,
    mentioned_names,
)
from engine.cases.queries import case_events
from engine.core.db import transaction
from engine.core.errors import Forbidden
from engine.core.models import Attachment, Case, CaseComment, Notification, User
from tests.cases import start_report, walk_to_publication
from tests.factories import World

LIMIT = 1000


def post(world: World, case_id: int, username: str, body: str, **kwargs) -> int:
    """Post a comment as ``username`` in its own transaction; returns its id."""
    actor = world.actor(username)
    with transaction(world.factory) as session:
        case = session.get(Case, case_id)
        comment = add_comment(session, actor, case, body, now=world.clock.now(), max_bytes=LIMIT,
                              vault=world.services.identities, **kwargs)  # fmt: skip
        return comment.id


def threads(world: World, case_id: int, username: str = "officer1"):
    with world.factory() as session:
        return comments_of(session, world.actor(username), session.get(Case, case_id))


def notifications(world: World) -> list[tuple[str, str, str, str | None]]:
    """The mention notifications (the case's own task notifications are not this test's concern)."""
    with world.factory() as session:
        rows = session.execute(
            select(User.username, Notification.kind, Notification.text, Notification.link)
            .join(User, User.id == Notification.user_id)
            .where(Notification.kind == "mention")
            .order_by(User.username)
        )
        return [tuple(row) for row in rows]


def set_full_name(world: World, username: str, full_name: str) -> None:
    with transaction(world.factory) as session:
        session.scalars(select(User).where(User.username == username)).one().full_name = full_name


def test_a_comment_mentioning_two_officers_notifies_them_without_quoting_it_and_is_audited_by_its_hash(world):
    case_id = start_report(world)
    set_full_name(world, "officer2", "Trần Thị Bình")
    body = "Nhờ @officer2 và @lead1 xem lại lời khai của người phản ánh Trần Thị Y."
    comment_id = post(world, case_id, "officer1", body)

    told = notifications(world)
    assert [(user, kind) for user, kind, _, _ in told] == [("lead1", "mention"), ("officer2", "mention")]
    for _, _, text, link in told:
        assert "Nguyễn Văn An" in text and "PA-" in text and link == f"/cases/{case_id}#comment-{comment_id}"
        assert "Trần Thị Y" not in text and "lời khai" not in text, "the notification never quotes the comment"

    with world.factory() as session:
        event = [e for e in case_events(session, case_id) if e.kind == "comment_added"][-1]
        assert event.actor == "officer1"
        assert event.payload == {"comment_id": comment_id, "parent_id": None, "files": 0,
                                 "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
                                 "mentions": ["officer2", "lead1"]}  # fmt: skip
        assert "Trần Thị Y" not in str(event.payload)
        assert verify_chain(session, case_id).valid

    [thread] = threads(world, case_id, "supervisor1")
    assert (thread.author.username, thread.author.full_name, thread.body) == ("officer1", "Nguyễn Văn An", body)
    assert [p.full_name for p in thread.mentions] == ["Trần Thị Bình", "Lê Văn Cường"]
    mention = next(person for _, person in thread.segments if person is not None)
    assert (mention.username, mention.full_name) == ("officer2", "Trần Thị Bình")
    assert "".join(text for text, _ in thread.segments) == body


def test_replies_are_threaded_one_level_deep_and_oldest_first(world):
    case_id = start_report(world)
    first = post(world, case_id, "officer1", "Đề nghị xác minh thêm")
    second = post(world, case_id, "lead1", "Đồng ý")
    reply = post(world, case_id, "officer2", "Tôi sẽ làm", parent_id=first)
    reply_to_reply = post(world, case_id, "officer1", "Cảm ơn", parent_id=reply)

    found = threads(world, case_id)
    assert [t.id for t in found] == [first, second]
    assert [(r.id, r.parent_id) for r in found[0].replies] == [(reply, first), (reply_to_reply, first)]
    assert found[1].replies == []


def test_a_mention_of_oneself_tells_nobody_and_an_email_address_is_no_mention(world):
    case_id = start_report(world)
    assert mentioned_names("gửi ban@example.org, @officer2. và (@lead1) @a.b-c @x.") == [
        "officer2",
        "lead1",
        "a.b-c",
        "x",
    ]
    post(world, case_id, "officer1", "Ghi chú của @officer1, liên hệ tiep.dan@example.org")
    assert notifications(world) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * (COMMENT_MAX_CHARS + 1), "too_long"),
        ("có ký tự \x00 lạ", "bad_character"),
        ("Nhờ @khong_co_ai xem", "unknown_mention"),
        ("Nhờ @officer_d2 xem", "unknown_mention"),  # of another district: may not read the case
        ("Nhờ @designer1 xem", "unknown_mention"),  # staff without a case-handling role
    ],
)
def test_a_refused_comment_names_the_problem_and_leaves_nothing_behind(world, body, reason):
    case_id = start_report(world)
    with world.factory() as session:
        seq = session.get(Case, case_id).audit_seq
    with pytest.raises(CommentRefused) as refused:
        post(world, case_id, "officer1", body)
    assert refused.value.reason == reason
    if reason == "unknown_mention":
        assert "@" in refused.value.message and "remove the @" in refused.value.message
    with world.factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseComment)) == 0
        assert session.get(Case, case_id).audit_seq == seq
    assert notifications(world) == []


def test_a_reply_must_answer_a_comment_of_the_same_case(world):
    case_id, other_case_id = start_report(world), start_report(world)
    elsewhere = post(world, other_case_id, "officer1", "Ở hồ sơ khác")
    for parent_id in (elsewhere, 999_999):
        with pytest.raises(CommentRefused, match="is not a comment of case") as refused:
            post(world, case_id, "officer1", "Trả lời", parent_id=parent_id)
        assert refused.value.reason == "bad_parent"


def test_only_case_handlers_of_the_case_units_comment_and_read_comments(world):
    case_id = start_report(world)
    post(world, case_id, "supervisor1", "Lãnh đạo đã xem")
    for username in ("designer1", "custodian1", "officer_d2"):
        with pytest.raises(Forbidden):
            post(world, case_id, username, "Không được")
        with pytest.raises(Forbidden):
            threads(world, case_id, username)


def test_files_posted_with_a_comment_are_attachments_of_the_case_and_a_protected_one_is_encrypted(world):
    case_id = start_report(world)
    files = [CommentFile("bien-ban.txt", "text/plain", b"bien ban"),
             CommentFile("cmnd.jpg", "image/jpeg", b"anh cmnd", protected=True)]  # fmt: skip
    comment_id = post(world, case_id, "officer1", "Gửi kèm biên bản", files=files)

    [thread] = threads(world, case_id)
    assert [(a.filename, a.identity_bearing) for a in thread.attachments] == [
        ("bien-ban.txt", False), ("tai-lieu-co-danh-tinh-duoc-bao-ve.jpg", True),
    ]  # fmt: skip
    with world.factory() as session:
        stored = session.scalars(select(Attachment).where(Attachment.comment_id == comment_id)).all()
        assert [a.content == b"anh cmnd" for a in stored] == [False, False], "the protected one is sealed"
        kinds = [(e.kind, e.payload.get("comment_id")) for e in case_events(session, case_id)][-3:]
        assert kinds == [("comment_added", comment_id)] + [("attachment_added", comment_id)] * 2
        assert verify_chain(session, case_id).valid


def test_an_empty_or_oversized_file_refuses_the_whole_comment(world):
    case_id = start_report(world)
    with pytest.raises(CommentRefused) as empty:
        post(world, case_id, "officer1", "Kèm tệp", files=[CommentFile("rong.txt", "text/plain", b"")])
    assert (empty.value.reason, empty.value.values["name"]) == ("empty_file", "rong.txt")
    with pytest.raises(CommentFileTooLarge):
        post(world, case_id, "officer1", "Kèm tệp", files=[CommentFile("to.bin", "", b"x" * (LIMIT + 1))])
    with world.factory() as session:
        assert session.scalar(select(func.count()).select_from(CaseComment)) == 0
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_completed_case_takes_comments_but_no_more_files(world):
    case_id = walk_to_publication(world, ["writing"], "Kết luận")
    with pytest.raises(CommentFilesClosed):
        post(world, case_id, "officer1", "Kèm tệp", files=[CommentFile("a.txt", "text/plain", b"a")])
    post(world, case_id, "officer1", "Ghi chú sau khi kết thúc")
    assert [t.body for t in threads(world, case_id)] == ["Ghi chú sau khi kết thúc"]
