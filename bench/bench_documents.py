"""Issuing one signed official document: render, convert, sign, store (goal: p95 ≤ 500 ms with a warm converter).

Setup (untimed): a fresh migrated database with one unit and its demo signing certificate, a small DOCX template
in the official layout built here with python-docx (issuing body, number, place and date, type and summary,
body, signer, recipients), LibreOffice started and one document converted before timing.

Measured, ``--repeat`` times: render (docxtpl fills the template, number and date included), convert (the warm
LibreOffice), sign (PAdES with the visible block), store (the ``issued_documents`` row with the DOCX, the PDF and
its SHA-256, committed). Printed: p50 and p95 of each stage and of the total, in ms.

Usage: ``python bench/bench_documents.py [--repeat N] [--backend sqlite|postgresql]``
"""

import argparse
import hashlib
import io
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime

from docx import Document
from docxtpl import DocxTemplate
from machine import cpu_model
from text_table import aligned_table
from throwaway_databases import postgres_database, sqlite_database

from engine.core.db import make_engine, make_session_factory, transaction
from engine.core.migrate import upgrade_to_head
from engine.core.models import IssuedDocument
from engine.core.settings import Settings
from engine.documents.certificates import make_demo_certificates
from engine.documents.converter import Converter
from engine.documents.signing import sign_pdf
from engine.people.units import create_unit

GOAL_MS = 500.0
STAGES = ("render", "convert", "sign", "store", "total")
BENCH_SECRET = "bench-secret-bench-secret-bench-secret-0123"


def build_template() -> bytes:
    """A one-page notice in the official layout, with the placeholders the issuance fills."""
    document = Document()
    for text in (
        "ỦY BAN NHÂN DÂN QUẬN 1",
        "Số: {{ document_number }}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc",
        "Quận 1, ngày {{ issued_on_text }}",
        "THÔNG BÁO",
        "Về việc thụ lý tố cáo {{ tracking_code }}",
        "Ngày {{ received_on }}, Ủy ban nhân dân Quận 1 nhận được đơn tố cáo của {{ petitioner }}.",
        "Nội dung tố cáo: {{ summary }}",
        "Căn cứ Luật Tố cáo năm 2018, Ủy ban nhân dân Quận 1 thông báo thụ lý tố cáo nêu trên.",
        "Nơi nhận: - Người tố cáo; - Lưu: VT.",
        "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH",
        "{{ signer_name }}",
    ):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(template: bytes, number: int) -> bytes:
    """The template filled with one case's data and the register number."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(
        {
            "document_number": f"{number}/TB-Q1",
            "issued_on_text": "30 tháng 11 năm 2026",
            "tracking_code": f"PA-2026-{number:05d}",
            "received_on": "14/11/2026",
            "petitioner": "Phạm Văn Người Tố",
            "summary": "Cán bộ phòng quản lý đô thị cấp phép xây dựng sai quy định.",
            "signer_name": "Trần Thị Lãnh Đạo",
        }  # fmt: skip
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def issue_one(factory, settings: Settings, converter: Converter, template: bytes, unit_id: int, number: int):
    """Render, convert, sign and store one document; the milliseconds of each stage."""
    marks = [time.perf_counter()]
    docx = render(template, number)
    marks.append(time.perf_counter())
    pdf = converter.convert(docx)
    marks.append(time.perf_counter())
    with factory() as session:
        signed = sign_pdf(
            pdf, unit_id=unit_id, signer_name="Trần Thị Lãnh Đạo", signer_title="Phó Chủ tịch", session=session,
            signed_on=date(2026, 11, 30), settings=settings,
        )  # fmt: skip
    marks.append(time.perf_counter())
    with transaction(factory) as session:
        session.add(
            IssuedDocument(
                case_id=None,
                task_id=None,
                unit_id=unit_id,
                kind="denunciation_acceptance_notice",
                year=2026,
                number=number,
                symbol=f"{number}/TB-Q1",
                title="Thông báo thụ lý tố cáo",
                issued_on=date(2026, 11, 30),
                issued_at=datetime.now(UTC),
                issued_by="bench",
                signer_name="Trần Thị Lãnh Đạo",
                signed=True,
                sha256=hashlib.sha256(signed).hexdigest(),
                identity_bearing=False,
                docx=docx,
                pdf=signed,
            )  # fmt: skip
        )
    marks.append(time.perf_counter())
    stages = {name: (marks[i + 1] - marks[i]) * 1000 for i, name in enumerate(STAGES[:-1])}
    stages["total"] = (marks[-1] - marks[0]) * 1000
    return stages


def soffice_version() -> str:
    """The LibreOffice version, e.g. "LibreOffice 7.4.7.2"."""
    try:
        out = subprocess.run(["soffice", "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return "LibreOffice ?"
    return " ".join(out.split()[:2]) or "LibreOffice ?"


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="documents issued while timed (default 50)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores, load average {load}; {soffice_version()}")
    template = build_template()
    with (postgres_database if args.backend == "postgresql" else sqlite_database)() as database_url:
        engine = make_engine(database_url)
        upgrade_to_head(engine)
        factory = make_session_factory(engine)
        settings = Settings(database_url=database_url, secret_key=BENCH_SECRET)
        with transaction(factory) as session:
            unit_id = create_unit(session, code="q1", name="Ủy ban nhân dân Quận 1", parent=None).id
            make_demo_certificates(session, now=datetime.now(UTC))
        converter = Converter(soffice=settings.soffice_path, python=settings.soffice_python)
        try:
            started = time.perf_counter()
            issue_one(factory, settings, converter, template, unit_id, 1)  # warm-up: LibreOffice starts, fonts load
            print(f"warm-up (LibreOffice start, first document): {(time.perf_counter() - started) * 1000:.0f} ms")
            runs = [issue_one(factory, settings, converter, template, unit_id, n) for n in range(2, args.repeat + 2)]
        finally:
            converter.stop()
            engine.dispose()
    print(f"\none signed document issued, {args.backend}, n={len(runs)} (ms):")
    lines = [["stage", "p50", "p95"]]
    for stage in STAGES:
        values = [run[stage] for run in runs]
        lines.append([stage, f"{percentile(values, 0.5):.0f}", f"{percentile(values, 0.95):.0f}"])
    print(aligned_table(lines, numeric={1, 2}))
    p95 = percentile([run["total"] for run in runs], 0.95)
    print(f"\ngoal p95 total ≤ {GOAL_MS:.0f} ms: {'met' if p95 <= GOAL_MS else 'NOT met'} ({p95:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
