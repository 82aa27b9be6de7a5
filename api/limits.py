"""Limits checked before any route reads a request: body size (413) and JSON nesting depth (422).

The check runs as ASGI middleware, so an oversized body is refused from its declared length, or as soon as the bytes
read pass the limit, before the login check, the form parser or the JSON decoder spends anything on it.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Deeper JSON than any form or lint request needs; Python's decoder recurses, so depth costs stack and time.
MAX_JSON_DEPTH = 64


def json_depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets in the JSON text nest deeper than ``limit`` (strings skipped; no parsing)."""
    depth, in_string, escaped = 0, False, False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


class RequestLimits:
    """Refuse bodies over their limit and JSON nested too deep, before the app sees them."""

    def __init__(self, app: ASGIApp, *, max_json_bytes: int, max_body_bytes: int) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        is_json = "json" in headers.get("content-type", "")
        limit = self.max_json_bytes if is_json else self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            await _refuse(send, 413, _too_large(limit))
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                await _refuse(send, 413, _too_large(limit))
                return
        if is_json and json_depth_exceeds(body, MAX_JSON_DEPTH):
            await _refuse(send, 422, f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels")
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _too_large(limit: int) -> str:
    return f"The request body is larger than the limit of {limit:,} bytes".replace(",", ".")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands the buffered body to the app once, then listens to the client as before."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _refuse(send: Send, status: int, detail: str) -> None:
    answer: dict[str, object] = {"detail": detail}
    if status == 422:
        answer["errors"] = []  # the documented shape of a 422 (ValidationErrorOut), with no single field to blame
    payload = json.dumps(answer, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
