"""Helpers for the public portal tests: a portal client, filing a case and reading back its code and secret.

``file_on_portal`` is the entry point for end-to-end tests: it files like a citizen (form, token, spam guard) and
returns ``(tracking code, secret)``.
"""

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from api.app import create_app
from tests.factories import World

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
CODE = re.compile(r'id="tracking-code">([^<]+)<')
SECRET = re.compile(r'id="tracking-secret">([^<]+)<')
REPORT_FIELDS = {
    "behaviour_group": "duty",
    "field": "land",
    "title": "Cán bộ phường đòi tiền khi xác nhận hồ sơ đất",
    "description": "Cán bộ địa chính phường yêu cầu nộp thêm tiền ngoài quy định.",
    "subject.name": "Nguyễn Văn Bị",
    "subject.position": "Cán bộ địa chính",
    "reporter.name": "Lê Thị Người Gửi",
    "reporter.phone": "0911111111",
}
PETITION_FIELDS = {
    "kind_claimed": "denunciation",
    "field": "construction",
    "title": "Tố cáo cán bộ cấp phép xây dựng sai quy định",
    "content": "Tôi tố cáo cán bộ phòng quản lý đô thị cấp phép sai quy định.",
    "subject.name": "Trần Văn Bị Tố",
    "petitioner.name": "Phạm Văn Người Tố",
    "petitioner.email": "nguoito@example.org",
}
FORM_WAIT = timedelta(seconds=10)
"""How far the manual clock moves between rendering a form and posting it (past the spam guard's minimum)."""


def portal_client(world: World, **settings: object) -> TestClient:
    """A TestClient on the world's app, with portal settings overridden (e.g. lower rate limits)."""
    app_settings = world.settings.model_copy(update=settings)
    app = create_app(app_settings, services=world.services, session_factory=world.factory, run_scheduler=False)
    return TestClient(app)


def form_token(html: str) -> str:
    """The signed form token of a rendered portal form."""
    match = TOKEN.search(html)
    assert match, "the page has a portal form token"
    return match.group(1)


def post_filing(client: TestClient, world: World, kind: str = "phan-anh", fields: dict | None = None, **kwargs):
    """Render the form, let the clock pass the spam guard's minimum, and post it; returns the response."""
    page = client.get(f"/portal/{kind}")
    assert page.status_code == 200, page.text
    world.clock.advance(FORM_WAIT)
    default = REPORT_FIELDS if kind == "phan-anh" else PETITION_FIELDS
    chosen = {"unit_id": str(world.units["city"])}  # the page has no default unit: the citizen picks one
    data = {"website": "", **chosen, **(fields if fields is not None else default), "form_token": form_token(page.text)}
    return client.post(f"/portal/{kind}", data=data, **kwargs)


def file_on_portal(
    client: TestClient, world: World, kind: str = "phan-anh", fields: dict | None = None, unit: str | None = None
):
    """File a report (``phan-anh``) or a petition (``gui-don``) like a citizen; returns (tracking code, secret).

    ``unit`` is the code of the receiving unit (default: the top of the unit tree).
    """
    fields = dict(fields if fields is not None else (REPORT_FIELDS if kind == "phan-anh" else PETITION_FIELDS))
    if unit is not None:
        fields["unit_id"] = str(world.units[unit])
    response = post_filing(client, world, kind, fields)
    assert response.status_code == 200, response.text
    return CODE.search(response.text).group(1), SECRET.search(response.text).group(1)


def look_up(client: TestClient, code: str, secret: str):
    """Post the lookup form with a code and a secret; returns the response."""
    token = form_token(client.get("/portal/tra-cuu").text)
    return client.post("/portal/tra-cuu", data={"code": code, "secret": secret, "form_token": token})
