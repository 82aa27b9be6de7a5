"""M5: forwarded headers are believed only from the proxies listed in PHANANH_TRUSTED_PROXIES (none by default)."""

import httpx
import uvicorn

from api.cli import proxy_options, server_options
from tests.portal import form_token
from tests.processes import api_server


def _lookups_with_rotating_forwarded_for(base: str, count: int) -> list[int]:
    answers = []
    with httpx.Client(base_url=base, timeout=10) as client:
        for i in range(count):
            token = form_token(client.get("/portal/tra-cuu").text)
            data = {"code": "PA-2026-99999", "secret": "wrong", "form_token": token}
            answers.append(
                client.post("/portal/tra-cuu", data=data, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
            )
    return answers


def test_a_rotating_x_forwarded_for_does_not_escape_the_portal_rate_limit(world):
    limits = {"PHANANH_PORTAL_LOOKUP_LIMIT": "3", "PHANANH_PORTAL_FORM_MIN_SECONDS": "0"}
    with api_server(world.settings.database_url, world.settings.secret_key, via_cli=True, **limits) as base:
        answers = _lookups_with_rotating_forwarded_for(base, 5)
    assert 429 not in answers[:3] and answers[3:] == [429, 429], answers


def test_forwarded_headers_are_read_only_from_listed_proxies():
    assert proxy_options("") == {"proxy_headers": False}
    assert proxy_options("  ") == {"proxy_headers": False}
    assert proxy_options("10.0.0.5") == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5"}


def test_serve_runs_on_uvloop_and_httptools():
    async def app(scope, receive, send) -> None:  # pragma: no cover - never called: the config is only loaded
        raise AssertionError

    config = uvicorn.Config(app, **server_options())
    config.load()
    assert config.http_protocol_class.__module__ == "uvicorn.protocols.http.httptools_impl"
    loop = config.get_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
