"""Servers and workers that benchmarks start as separate processes."""

import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if the process has not exited after 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerDidNotStart(RuntimeError):
    """A server process exited, or did not answer /healthz in time; the message carries its log's tail."""


def read_log(path: Path | None) -> str:
    """The tail of a process log, for error messages."""
    return path.read_text(errors="replace")[-2000:] if path is not None and path.exists() else ""


def wait_healthy(base: str, process: subprocess.Popen, log: Path | None = None, timeout: float = 60) -> None:
    """Wait until ``/healthz`` answers 200, or raise ``ServerDidNotStart`` with the process log."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1) as client:  # one client: each new one builds an SSL context (~34 ms of CPU)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerDidNotStart(f"the server on {base} exited with {process.returncode}:\n{read_log(log)}")
            try:
                if client.get(f"{base}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise ServerDidNotStart(f"the server on {base} did not start within {timeout:.0f} s:\n{read_log(log)}")
