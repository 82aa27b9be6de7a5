"""Comments on a case (trao đổi): threaded remarks of the staff who handle it, with @mentions and files.

Who: anyone who may read the case reads its comments (``can_read_case``); the case handlers of its units post them
(``can_comment_on_case``). Comments are for staff only: the portal never shows them, the mention notification (and
so its e-mail) names the author and the case but never quotes the body, and the audit event keeps the body's
sha256, not the body, since a remark may well name the protected person.

Threads are one level deep: a reply to a reply joins the thread of the comment it answers (its first comment).

Mentions are ``@username`` (letters, digits, ``_``, ``.`` and ``-``, ending on a letter, digit or ``_``) after a
space, a line start or punctuation: ``ban@example.org`` is an e-mail address, not a mention. Every name mentioned
must be an active member of staff who may read the case, or the comment is refused with the names, so the writer
never believes someone was told when nobody was; the author mentioning themself is allowed and tells nobody.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.attachments import attach_file
from engine.cases.audit import AuditTrail
from engine.cases.enums import CaseStatus
from engine.cases.identity import IdentityVault
from engine.cases.uploads import Upload
from engine.core.errors import BadRequest, Conflict, PayloadTooLarge
from engine.core.models import Attachment, Case, CaseComment, User
from engine.notifications.enums import NotificationKind
from engine.notifications.inbox import notify
from engine.people.auth import Actor, actor_for
from engine.people.permissions import can_comment_on_case, can_read_case, require

COMMENT_MAX_CHARS = 5000
"""The longest comment body, in characters."""

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)")
"""``@username`` not preceded by a letter, digit, ``@`` or ``.``; group 1 is the username."""


class CommentProblem:
    """Why a comment was refused: ``reason`` (a short code the pages translate) and the ``values`` it names."""

    def __init__(self, reason: str, message: str, **values: object) -> None:
        super().__init__(message)  # type: ignore[call-arg]  # the DomainError this is mixed into
        self.reason = reason
        self.values = values


class CommentRefused(CommentProblem, BadRequest):
    """An empty or too long body, a bad character, a reply to another case's comment, an unknown @name, an empty
    file."""


class CommentFileTooLarge(CommentProblem, PayloadTooLarge):
    """A comment's file larger than the attachment limit."""


class CommentFilesClosed(CommentProblem, Conflict):
    """Files posted with a comment on a completed case, whose files are fixed."""


@dataclass(frozen=True)
class CommentFile(Upload):
    """A file posted with a comment; ``protected`` marks one that shows an identity (stored encrypted)."""

    protected: bool = False


@dataclass(frozen=True)
class Person:
    """A member of staff as a comment shows them: by full name (the username when none is recorded)."""

    username: str
    full_name: str


@dataclass
class CommentView:
    """One comment as people read it: its author, the body cut into text and mentions, its files and replies."""

    id: int
    case_id: int
    parent_id: int | None
    author: Person
    body: str
    created_at: datetime
    segments: list[tuple[str, Person | None]]
    mentions: list[Person]
    attachments: list[Attachment] = field(default_factory=list)
    replies: list["CommentView"] = field(default_factory=list)


def mentioned_names(body: str) -> list[str]:
    """The usernames ``@mentioned`` in a body, in order of first appearance."""
    return list(dict.fromkeys(match.group(1) for match in MENTION.finditer(body)))


def add_comment(
    session: Session,
    actor: Actor,
    case: Case,
    body: str,
    *,
    now: datetime,
    max_bytes: int,
    parent_id: int | None = None,
    files: Sequence[CommentFile] = (),
    vault: IdentityVault | None = None,
    base_url: str = "",
) -> CaseComment:
    """Post a comment (or a reply to ``parent_id``) on a case the actor may see, with its files, in the caller's
    transaction: a ``comment_added`` event in the case's audit chain, the files as attachments of the case, and a
    mention notification to each person ``@mentioned``.

    ``case`` is a session-attached row the actor may see (the caller answers 404 otherwise). Everything is checked
    before anything is written: ``CommentRefused`` (400), ``CommentFileTooLarge`` (413) and ``CommentFilesClosed``
    (409) say what to fix. ``vault`` stores the ``protected`` files encrypted.
    """
    require(can_comment_on_case, actor, case)
    text = _checked_body(body)
    root = _thread_root(session, case, parent_id)
    mentioned = _mentioned_staff(session, case, text)
    _check_files(case, files, max_bytes)
    author = session.scalars(select(User).where(User.username == actor.username)).one()
    comment = CaseComment(case_id=case.id, unit_id=case.unit_id, parent_id=root, author_id=author.id, body=text,
                          created_at=now)  # fmt: skip
    session.add(comment)
    session.flush()
    _audit_comment(session, case, comment, actor, mentioned, len(files))
    for upload in files:
        if upload.protected and vault is None:
            raise ValueError("a protected comment file needs the identity vault")
        attach_file(
            session, case, task_id=None, filename=upload.filename, content_type=upload.content_type,
            content=upload.content, uploaded_by=actor.username, at=now, max_bytes=max_bytes,
            vault=vault if upload.protected else None, comment_id=comment.id,
        )  # fmt: skip
    told = [user.id for user in mentioned if user.id != author.id]
    text_of_notification = (
        f"{author.full_name or author.username} nhắc đến bạn trong trao đổi về hồ sơ {case.tracking_code}"
    )
    notify(session, told, NotificationKind.MENTION, text_of_notification, now=now, case_id=case.id,
           link=f"/cases/{case.id}#comment-{comment.id}", dedupe_key=f"comment:{comment.id}",
           base_url=base_url)  # fmt: skip
    return comment


def comments_of(session: Session, actor: Actor, case: Case) -> list[CommentView]:
    """The comments of a case the actor may read, as threads: first comments oldest first, each with its replies."""
    require(can_read_case, actor, case)
    comments = list(session.scalars(select(CaseComment).where(CaseComment.case_id == case.id).order_by(CaseComment.id)))
    if not comments:
        return []
    names = {name for comment in comments for name in mentioned_names(comment.body)}
    author_ids = {comment.author_id for comment in comments}
    people = session.scalars(select(User).where(User.id.in_(author_ids) | User.username.in_(sorted(names))))
    by_id, by_name = {}, {}
    for user in people:
        by_id[user.id] = by_name[user.username] = Person(user.username, user.full_name or user.username)
    files: dict[int, list[Attachment]] = {}
    attached = select(Attachment).where(Attachment.comment_id.in_([c.id for c in comments])).order_by(Attachment.id)
    for attachment in session.scalars(attached):
        files.setdefault(attachment.comment_id or 0, []).append(attachment)
    threads: list[CommentView] = []
    views: dict[int, CommentView] = {}
    for comment in comments:
        segments = _segments(comment.body, by_name)
        view = CommentView(
            id=comment.id, case_id=comment.case_id, parent_id=comment.parent_id, author=by_id[comment.author_id],
            body=comment.body, created_at=comment.created_at, segments=segments,
            mentions=list({p.username: p for _, p in segments if p is not None}.values()),
            attachments=files.get(comment.id, []),
        )  # fmt: skip
        views[comment.id] = view
        parent = views.get(comment.parent_id) if comment.parent_id is not None else None
        (parent.replies if parent is not None else threads).append(view)
    return threads


# ---- checks -----------------------------------------------------------------------------------------------------


def _checked_body(body: str) -> str:
    text = body.replace("\r\n", "\n").strip()
    if not text:
        raise CommentRefused("empty", "A comment needs some text; the body is empty")
    if len(text) > COMMENT_MAX_CHARS:
        raise CommentRefused("too_long", f"The comment has {len(text)} characters; the limit is {COMMENT_MAX_CHARS}",
                             count=len(text), limit=COMMENT_MAX_CHARS)  # fmt: skip
    if "\x00" in text:
        raise CommentRefused("bad_character", "The comment contains a NUL character (\\u0000); remove it")
    return text


def _thread_root(session: Session, case: Case, parent_id: int | None) -> int | None:
    """The first comment of the thread a reply joins (``parent_id`` must be a comment of this case)."""
    if parent_id is None:
        return None
    parent = session.get(CaseComment, parent_id)
    if parent is None or parent.case_id != case.id:
        raise CommentRefused("bad_parent", f"Comment {parent_id} is not a comment of case {case.tracking_code}",
                             parent_id=parent_id)  # fmt: skip
    return parent.parent_id if parent.parent_id is not None else parent.id


def _mentioned_staff(session: Session, case: Case, text: str) -> list[User]:
    """The active staff ``@mentioned`` in the body who may read the case; any other name refuses the comment."""
    names = mentioned_names(text)
    if not names:
        return []
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names), User.is_active))}
    readers = [users[name] for name in names if name in users and can_read_case(actor_for(session, users[name]), case)]
    unknown = [name for name in names if name not in {user.username for user in readers}]
    if unknown:
        listed = ", ".join(f"@{name}" for name in unknown)
        raise CommentRefused(
            "unknown_mention",
            f"{listed}: no active member of staff of that username may read case {case.tracking_code}; correct the "
            "username, or remove the @ if you did not mean to tell anyone",
            names=listed,
        )
    return readers


def _check_files(case: Case, files: Sequence[CommentFile], max_bytes: int) -> None:
    if files and case.status == CaseStatus.COMPLETED:
        raise CommentFilesClosed("case_completed", f"Case {case.tracking_code} is completed; files can no longer "
                                 "be attached, post the comment without them")  # fmt: skip
    for upload in files:
        if not upload.content:
            raise CommentRefused("empty_file", f"File '{upload.filename}' is empty", name=upload.filename)
        if upload.size > max_bytes:
            raise CommentFileTooLarge("file_too_large", f"File '{upload.filename}' is {upload.size} bytes; the "
                                      f"limit is {max_bytes} bytes", name=upload.filename,
                                      limit_mb=round(max_bytes / 1_000_000, 1))  # fmt: skip


def _audit_comment(
    session: Session, case: Case, comment: CaseComment, actor: Actor, mentioned: list[User], files: int
) -> None:
    """``comment_added`` in the case's chain: the body's sha256 (not the body), the thread, who was mentioned."""
    trail = AuditTrail(session, case)
    payload = {"comment_id": comment.id, "parent_id": comment.parent_id, "files": files,
               "body_sha256": hashlib.sha256(comment.body.encode("utf-8")).hexdigest(),
               "mentions": [user.username for user in mentioned]}  # fmt: skip
    trail.append(kind="comment_added", actor=actor.username, at=comment.created_at, payload=payload)
    session.flush()  # the case row keeps the chain's head (and its version is bumped: a concurrent writer gets 409)
    trail.write()


def _segments(body: str, people: dict[str, Person]) -> list[tuple[str, Person | None]]:
    """The body as text pieces and mentions (a mention of nobody known stays text)."""
    pieces: list[tuple[str, Person | None]] = []
    position = 0
    for match in MENTION.finditer(body):
        person = people.get(match.group(1))
        if person is None:
            continue
        if match.start() > position:
            pieces.append((body[position : match.start()], None))
        pieces.append((match.group(0), person))
        position = match.end()
    if position < len(body):
        pieces.append((body[position:], None))
    return pieces
