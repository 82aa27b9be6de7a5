"""Comments on a case (trao đổi) over REST: the threads, posting a comment or a reply, with files or without."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from api.deps import AppSettings, CaseCommenter, CaseReader, DbSession, Services, commit
from api.routes.attachments import AttachmentOut, attachment_out
from api.schemas import COMMON_RESPONSES, ErrorOut
from engine.cases.comments import COMMENT_MAX_CHARS, CommentFile, CommentView, add_comment, comments_of
from engine.cases.queries import visible_case
from engine.core.db import Session
from engine.people.auth import Actor
from engine.services import EngineServices

router = APIRouter(tags=["comments"], responses={**COMMON_RESPONSES, 403: {"model": ErrorOut}})
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such case in your units"}}
REFUSED = {
    400: {"model": ErrorOut, "description": "An empty or too long body, a reply to a comment of another case, an "
          "@name that is not a member of staff who may read the case, an empty file"},
}  # fmt: skip
FILE_ERRORS = {
    409: {"model": ErrorOut, "description": "Files posted on a completed case"},
    413: {"model": ErrorOut, "description": "A file is larger than the limit"},
}


class PersonOut(BaseModel):
    """A member of staff: username and full name (the username when no full name is recorded)."""

    username: str
    full_name: str


class ReplyOut(BaseModel):
    """One comment: its author, body, the people it mentions and its files."""

    id: int
    case_id: int
    parent_id: int | None = Field(description="the thread's first comment; none for a first comment")
    author: PersonOut
    body: str
    created_at: datetime
    mentions: list[PersonOut]
    attachments: list[AttachmentOut]


class CommentOut(ReplyOut):
    """A first comment of a thread, with its replies oldest first."""

    replies: list[ReplyOut]


class CommentIn(BaseModel):
    """A comment or a reply; ``@username`` mentions a member of staff who may read the case (and notifies them)."""

    body: str = Field(max_length=COMMENT_MAX_CHARS, description=f"the text, 1 to {COMMENT_MAX_CHARS} characters")
    parent_id: int | None = Field(default=None, description="the comment this replies to (a comment of this case)")


def _reply_out(view: CommentView) -> ReplyOut:
    return ReplyOut(
        id=view.id, case_id=view.case_id, parent_id=view.parent_id,
        author=PersonOut(username=view.author.username, full_name=view.author.full_name), body=view.body,
        created_at=view.created_at, mentions=[PersonOut(username=p.username, full_name=p.full_name)
                                              for p in view.mentions],
        attachments=[attachment_out(a) for a in view.attachments],
    )  # fmt: skip


def comment_out(view: CommentView) -> CommentOut:
    """A thread as the API shows it."""
    return CommentOut(**_reply_out(view).model_dump(), replies=[_reply_out(reply) for reply in view.replies])


def _post(
    session: Session,
    services: EngineServices,
    actor: Actor,
    case_id: int,
    body: str,
    *,
    parent_id: int | None,
    files: list[CommentFile],
    max_bytes: int,
) -> CommentOut:
    """Post through the one engine function, commit, and answer the comment as it is now listed."""
    case = visible_case(session, actor, case_id)
    comment = add_comment(session, actor, case, body, now=services.clock.now(), max_bytes=max_bytes,
                          parent_id=parent_id, files=files, vault=services.identities,
                          base_url=services.portal_base_url)  # fmt: skip
    commit(session)
    posted = _find(comments_of(session, actor, case), comment.id)
    return comment_out(posted)


def _find(threads: list[CommentView], comment_id: int) -> CommentView:
    for view in threads:
        for candidate in (view, *view.replies):
            if candidate.id == comment_id:
                return candidate
    raise LookupError(comment_id)  # the comment was just posted in this session


@router.get("/api/cases/{case_id}/comments", response_model=list[CommentOut], responses=NOT_FOUND)
def list_comments(case_id: int, session: DbSession, actor: CaseReader) -> list[CommentOut]:
    """The comments of a case of my units, as threads: first comments oldest first, each with its replies."""
    return [comment_out(view) for view in comments_of(session, actor, visible_case(session, actor, case_id))]


@router.post(
    "/api/cases/{case_id}/comments",
    status_code=201,
    response_model=CommentOut,
    responses={**NOT_FOUND, **REFUSED},
)
def post_comment(
    case_id: int, comment: CommentIn, session: DbSession, services: Services, settings: AppSettings,
    actor: CaseCommenter,
) -> CommentOut:  # fmt: skip
    """Post a comment, or a reply (``parent_id``), on a case of my units; each ``@username`` is notified.

    A reply to a reply joins its thread. The comment is audited (its sha256, not its text) and never shown on the
    portal. Files go with ``POST /api/cases/{case_id}/comments/with-files``.
    """
    return _post(session, services, actor, case_id, comment.body, parent_id=comment.parent_id, files=[],
                 max_bytes=settings.max_attachment_bytes)  # fmt: skip


@router.post(
    "/api/cases/{case_id}/comments/with-files",
    status_code=201,
    response_model=CommentOut,
    responses={**NOT_FOUND, **REFUSED, **FILE_ERRORS},
)
async def post_comment_with_files(
    case_id: int,
    session: DbSession,
    services: Services,
    settings: AppSettings,
    actor: CaseCommenter,
    body: Annotated[
        str, Form(max_length=COMMENT_MAX_CHARS, description=f"the text, 1 to {COMMENT_MAX_CHARS} characters")
    ],
    parent_id: Annotated[int | None, Form(description="the comment this replies to")] = None,
    files: Annotated[list[UploadFile] | None, File(description="files attached to the comment")] = None,
    protected_files: Annotated[
        list[UploadFile] | None, File(description="files that show a protected identity (stored encrypted)")
    ] = None,
) -> CommentOut:
    """Post a comment (multipart form) with files, as the case page does: the files become attachments of the case,
    each audited; all of it is kept, or none."""
    limit = settings.max_attachment_bytes
    uploads = [
        CommentFile(upload.filename or "file", upload.content_type or "", await upload.read(limit + 1), protected)
        for group, protected in ((files, False), (protected_files, True))
        for upload in group or ()
    ]
    return _post(session, services, actor, case_id, body, parent_id=parent_id, files=uploads, max_bytes=limit)
