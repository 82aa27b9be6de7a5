"""The baseline of bench_http.py: a bare FastAPI app with one ``/healthz`` route, served like ``phananh serve``.

Run as ``python bench/bare_app.py PORT``: the same uvicorn, with the options of ``api.cli.server_options``.
"""

import sys

import uvicorn
from fastapi import FastAPI

from api.cli import server_options


def create_app() -> FastAPI:
    """FastAPI with nothing but a liveness route answering a small JSON object."""
    app = FastAPI()

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    uvicorn.run("bare_app:create_app", factory=True, host="127.0.0.1", port=int(sys.argv[1]), **server_options())
