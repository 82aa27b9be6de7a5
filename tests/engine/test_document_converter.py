"""DOCX → PDF with a warm LibreOffice: one soffice reused, restarted when it dies, safe across threads, and clear
errors for what it cannot convert or when LibreOffice is missing."""

import io
import os
import shutil
import signal
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.documents.converter import ConversionFailed, Converter, ConverterUnavailable, sample_docx

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def converter():
    """One warm converter for the module (as a web process keeps one)."""
    converter = Converter(soffice="soffice", python="/usr/bin/python3")
    yield converter
    converter.stop()


def _text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_a_docx_becomes_a_pdf_with_its_vietnamese_text(converter):
    pdf = converter.convert(sample_docx("Quận 1, ngày 30 tháng 11 năm 2026 — Thông báo thụ lý tố cáo"))
    assert pdf.startswith(b"%PDF-")
    assert "Quận 1, ngày 30 tháng 11 năm 2026 — Thông báo thụ lý tố cáo" in _text(pdf)


def test_the_same_soffice_serves_every_conversion(converter):
    converter.convert(sample_docx("một"))
    pid, starts = converter.soffice_pid, converter.starts
    for text in ("hai", "ba"):
        converter.convert(sample_docx(text))
    assert (converter.soffice_pid, converter.starts) == (pid, starts) and converter.running


def test_a_dead_soffice_is_started_again_for_the_next_document(converter):
    converter.convert(sample_docx("trước"))
    starts = converter.starts
    os.killpg(converter.soffice_pid, signal.SIGKILL)
    pdf = converter.convert(sample_docx("sau khi khởi động lại"))
    assert "sau khi khởi động lại" in _text(pdf)
    assert converter.starts == starts + 1


def test_threads_share_the_converter_safely(converter):
    texts = [f"Văn bản số {n}" for n in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(lambda t: converter.convert(sample_docx(t)), texts))
    assert [text in _text(pdf) for text, pdf in zip(texts, pdfs, strict=True)] == [True] * 6


def test_what_is_not_a_docx_is_refused_before_libreoffice(converter):
    with pytest.raises(ConversionFailed, match="không phải văn bản DOCX"):
        converter.convert(b"%PDF-1.7 not a docx")
    with pytest.raises(ConversionFailed, match="word/document.xml"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "xin chào")
        converter.convert(buffer.getvalue())


def test_a_missing_libreoffice_is_a_clear_error():
    missing = Converter(soffice="/nonexistent/soffice", python="/usr/bin/python3")
    with pytest.raises(ConverterUnavailable, match="libreoffice-writer-nogui"):
        missing.convert(sample_docx())
    no_uno = Converter(soffice="soffice", python="/nonexistent/python3")
    with pytest.raises(ConverterUnavailable, match="uno"):
        no_uno.convert(sample_docx())


def test_a_damaged_docx_is_a_clear_error_and_the_converter_goes_on(converter):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<<< not xml")
    with pytest.raises(ConversionFailed, match="LibreOffice không chuyển được"):
        converter.convert(buffer.getvalue())
    assert converter.running
    assert "vẫn chạy" in _text(converter.convert(sample_docx("vẫn chạy")))


def test_a_conversion_over_the_time_limit_stops_libreoffice_and_fails():
    impatient = Converter(soffice="soffice", python="/usr/bin/python3", timeout_seconds=0.001)
    try:
        with pytest.raises(ConversionFailed, match="no answer within"):
            impatient.convert(sample_docx())
        assert not impatient.running and impatient.starts == 2, "started again once, then given up"
    finally:
        impatient.stop()


def test_stop_ends_every_libreoffice_process_it_started():
    converter = Converter(soffice="soffice", python="/usr/bin/python3")
    converter.convert(sample_docx())
    group = converter.soffice_pid  # the launcher's process group holds soffice.bin too
    converter.stop()
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
