"""Security headers on every answer: no framing, no MIME sniffing, and a content policy that runs our scripts only.

The pages load every script and style from this server (bpmn-js, Chart.js and htmx are served from /vendor) and
put no script inline, so the policy allows 'self' alone for scripts. Styles allow inline attributes because
bpmn-js and Chart.js set element styles at run time. FastAPI's /docs and /redoc pages are left out of the policy:
they load their own viewer.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
_POLICY = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
_UNPOLICED_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """Add the headers to every HTTP answer of the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_ALWAYS)
        if not scope["path"].startswith(_UNPOLICED_PATHS):
            extra.append(_POLICY)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
