"""Real processes for multi-process tests: workers and API servers started as subprocesses."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx

from engine.core.settings import PROJECT_ROOT
from tests.factories import TEST_SECRET_KEY


def service_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a phananh process on the test database (no in-process scheduler)."""
    return {
        **os.environ, "PHANANH_DATABASE_URL": database_url, "PHANANH_SCHEDULER_ENABLED": "false",
        "PHANANH_SECRET_KEY": TEST_SECRET_KEY, **extra,
    }  # fmt: skip


def start_worker(database_url: str, *args: str) -> subprocess.Popen:
    """A `phananh worker` process."""
    return subprocess.Popen(
        [sys.executable, "-m", "api", "worker", *args],
        cwd=PROJECT_ROOT, env=service_env(database_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def api_server(database_url: str, secret_key: str, *, via_cli: bool = False, port: int | None = None, **extra_env: str):
    """A real uvicorn process serving the app on loopback (``extra_env``: more PHANANH_* settings); yields its URL.

    ``port`` serves on that port (e.g. to restart an instance where its peers expect it); a free one otherwise.

    ``via_cli`` starts it the way production does, with ``phananh serve`` (its output is discarded).
    """
    port = port or free_port()
    if via_cli:
        command = [sys.executable, "-m", "api", "serve", "--port", str(port)]
    else:
        command = [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--port", str(port)]
        command += ["--log-level", "warning"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT, env=service_env(database_url, PHANANH_SECRET_KEY=secret_key, **extra_env),
        stdout=subprocess.DEVNULL if via_cli else subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        # A loaded machine may take long to start Python: wait as long as the process lives (generously bounded).
        deadline = time.monotonic() + 300
        with httpx.Client(timeout=5) as client:  # one client: each new one builds an SSL context (~34 ms of CPU)
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    if client.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                output = process.stdout.read() if process.stdout and process.poll() is not None else ""
                raise RuntimeError(f"uvicorn on {base} did not start: {output}")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
