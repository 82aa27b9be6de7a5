"""DOCX → PDF with LibreOffice headless, kept warm: one soffice per process, started on first use, reused.

The engine cannot import LibreOffice's ``uno`` module (it lives in the system Python), so a small bridge
(``uno_bridge.py``, run by ``PHANANH_SOFFICE_PYTHON``) talks UNO to a soffice listening on a private pipe, and
the engine talks to the bridge over its stdin/stdout. Conversions are serialised by a lock (one soffice handles
one document at a time); a soffice or bridge that died or hung is stopped and started again once per request.
Each converter has its own LibreOffice profile directory, so several processes never share one.
"""

import atexit
import contextlib
import io
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
import zipfile
from pathlib import Path

from engine.core.errors import DomainError
from engine.core.settings import get_settings

BRIDGE = Path(__file__).with_name("uno_bridge.py")


class ConverterUnavailable(DomainError):
    """LibreOffice (or the Python that has its ``uno`` module) is not installed or does not start."""


class ConversionFailed(DomainError):
    """LibreOffice could not turn this file into a PDF (not a DOCX, damaged, or too slow)."""


class _BridgeGone(Exception):
    """The bridge or its soffice died or stopped answering: restart and retry."""


def check_docx(docx: bytes) -> None:
    """Refuse what is not a DOCX (a ZIP holding ``word/document.xml``) before LibreOffice guesses at it."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ConversionFailed("Tệp không phải văn bản DOCX (thiếu word/document.xml).")
    except zipfile.BadZipFile as exc:
        raise ConversionFailed("Tệp không phải văn bản DOCX (không đọc được như tệp nén Word).") from exc


class Converter:
    """A warm LibreOffice: ``convert`` turns DOCX bytes into PDF bytes; ``stop`` ends soffice and the bridge."""

    def __init__(self, *, soffice: str, python: str, timeout_seconds: float = 60.0) -> None:
        self.soffice, self.python, self.timeout_seconds = soffice, python, timeout_seconds
        self._lock = threading.Lock()
        self._soffice: subprocess.Popen | None = None
        self._bridge: subprocess.Popen | None = None
        self._workdir: Path | None = None
        self.starts = 0  # how many times soffice was started (a restart counts)

    @property
    def running(self) -> bool:
        """Whether soffice and the bridge are alive."""
        return all(p is not None and p.poll() is None for p in (self._soffice, self._bridge))

    @property
    def soffice_pid(self) -> int | None:
        """The process id of the running soffice, if any."""
        return self._soffice.pid if self._soffice is not None else None

    def convert(self, docx: bytes) -> bytes:
        """The PDF of a DOCX; ``ConversionFailed`` for a file LibreOffice cannot read."""
        check_docx(docx)
        with self._lock:
            for attempt in (1, 2):
                if not self.running:
                    self._start()
                try:
                    return self._convert_once(docx)
                except _BridgeGone as exc:
                    self._stop()
                    if attempt == 2:
                        raise ConversionFailed(f"LibreOffice không chuyển được văn bản sang PDF: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """End soffice and the bridge (a later ``convert`` starts them again)."""
        with self._lock:
            self._stop()

    def _convert_once(self, docx: bytes) -> bytes:
        assert self._workdir is not None
        name = uuid.uuid4().hex
        source, target = self._workdir / f"{name}.docx", self._workdir / f"{name}.pdf"
        source.write_bytes(docx)
        try:
            answer = self._ask({"input": str(source), "output": str(target)})
            if not answer.get("ok"):
                if answer.get("fatal"):
                    raise _BridgeGone(answer.get("error", "LibreOffice stopped"))
                raise ConversionFailed(f"LibreOffice không chuyển được văn bản sang PDF: {answer.get('error')}")
            if not target.is_file():
                raise ConversionFailed("LibreOffice không tạo ra tệp PDF.")
            return target.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    def _ask(self, request: dict) -> dict:
        bridge = self._bridge
        assert bridge is not None and bridge.stdin is not None
        try:
            bridge.stdin.write((json.dumps(request) + "\n").encode())
            bridge.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _BridgeGone("the bridge to LibreOffice is gone") from exc
        return self._read_answer(self.timeout_seconds)

    def _read_answer(self, timeout: float) -> dict:
        bridge = self._bridge
        assert bridge is not None and bridge.stdout is not None
        ready, _, _ = select.select([bridge.stdout], [], [], timeout)
        if not ready:
            raise _BridgeGone(f"no answer within {timeout:g} s")
        line = bridge.stdout.readline()
        if not line:
            raise _BridgeGone("the bridge to LibreOffice stopped")
        return json.loads(line)

    def _start(self) -> None:
        self._stop()
        if shutil.which(self.soffice) is None:
            raise ConverterUnavailable(
                f"Không tìm thấy LibreOffice ({self.soffice}): cài gói libreoffice-writer-nogui và python3-uno."
            )
        if shutil.which(self.python) is None:
            raise ConverterUnavailable(f"Không tìm thấy Python hệ thống ({self.python}) có mô-đun uno của LibreOffice.")
        self._workdir = Path(tempfile.mkdtemp(prefix="phananh-soffice-"))
        pipe = f"phananh-{uuid.uuid4().hex}"
        profile = (self._workdir / "profile").as_uri()
        self._soffice = subprocess.Popen(
            [
                self.soffice, "--headless", "--invisible", "--nologo", "--nodefault", "--norestore",
                "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
                f"-env:UserInstallation={profile}",
            ],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self._bridge = subprocess.Popen(
            [self.python, str(BRIDGE), pipe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        self.starts += 1
        try:
            answer = self._read_answer(90.0)
        except (_BridgeGone, ValueError) as exc:
            self._stop()
            raise ConverterUnavailable(f"LibreOffice không khởi động được: {exc}") from exc
        if not answer.get("ready"):
            self._stop()
            raise ConverterUnavailable(f"LibreOffice không khởi động được: {answer.get('error')}")

    def _stop(self) -> None:
        for process in (self._bridge, self._soffice):
            if process is None:
                continue
            # Each runs in its own process group: `soffice` is a launcher whose soffice.bin lives on in that
            # group after the launcher itself exits, so the whole group is ended.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            _wait_for_group_end(process.pid)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()
        self._bridge = self._soffice = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None


def _wait_for_group_end(group: int, seconds: float = 5.0) -> None:
    """Wait (bounded) until no process of ``group`` is left, so that a stopped converter holds no memory."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.02)


_shared: Converter | None = None
_shared_lock = threading.Lock()


def shared_converter() -> Converter:
    """This process's converter, made from the settings on first use and stopped when the process exits."""
    global _shared
    with _shared_lock:
        if _shared is None:
            settings = get_settings()
            _shared = Converter(
                soffice=settings.soffice_path,
                python=settings.soffice_python,
                timeout_seconds=settings.conversion_timeout_seconds,
            )
            atexit.register(_shared.stop)
        return _shared


def docx_to_pdf(docx: bytes) -> bytes:
    """The PDF of a DOCX, made by this process's warm LibreOffice (started on first use)."""
    return shared_converter().convert(docx)


def sample_docx(text: str = "Quận 1, ngày 30 tháng 11 năm 2026") -> bytes:
    """A one-paragraph DOCX (for the doctor's check and the benchmarks)."""
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
