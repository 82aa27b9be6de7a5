"""The portal page "Xác thực văn bản": a recipient uploads a PDF and reads the verdict (no sign-in).

The post carries the page's signed form token and counts against the address's rate limit, through the same use
case as ``POST /api/documents/verify``.
"""

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

import api.web.verification_texts  # noqa: F401  (adds the page's texts to the table)
from api.deps import client_address
from api.web.portal_context import Portal, PortalPage
from engine.core.errors import PayloadTooLarge
from engine.documents.public_check import VERIFY_FORM, check_document
from engine.documents.signing import NotAPdf

router = APIRouter(prefix="/portal", include_in_schema=False)
PAGE = "/portal/xac-thuc-van-ban"


def _limit(page: PortalPage) -> str:
    return f"{page.settings.max_verify_bytes // 1_000_000} MB"


def _form(page: PortalPage, status_code: int = 200, message: str | None = None) -> HTMLResponse:
    return page.render(
        "portal_verify.html", status_code=status_code, token=page.form_token(VERIFY_FORM), limit=_limit(page),
        message=message, verdict=None,
    )  # fmt: skip


@router.get("/xac-thuc-van-ban", response_class=HTMLResponse)
def verify_form(page: Portal) -> HTMLResponse:
    """The upload form."""
    return _form(page)


@router.post("/xac-thuc-van-ban", response_class=HTMLResponse)
async def verify_upload(page: Portal) -> HTMLResponse:
    """The verdict on the uploaded PDF, or the form again saying what was wrong with the file."""
    posted, guard = await page.spam_guard()
    upload = posted.get("file")
    pdf = await upload.read(page.settings.max_verify_bytes + 1) if isinstance(upload, UploadFile) else b""
    try:
        verdict = check_document(
            page.session, page.services, page.settings, pdf=pdf, client_address=client_address(page.request),
            spam_guard=guard,
        )  # fmt: skip
    except NotAPdf:
        return _form(page, 400, page.t("verify.not_pdf"))
    except PayloadTooLarge:
        return _form(page, 413, page.t("verify.too_big", limit=_limit(page)))
    zone = page.services.calendar.zone
    signed_at = verdict.signed_at.astimezone(zone).strftime("%d/%m/%Y %H:%M") if verdict.signed_at else None
    return page.render(
        "portal_verify.html", token=page.form_token(VERIFY_FORM), limit=_limit(page), message=None,
        verdict=verdict, signed_at=signed_at,
    )  # fmt: skip
