"""bench/bench_engine.py keeps working (no timing is asserted here: figures are read from the bench output)."""

import shutil
import subprocess
import sys

import pytest

from engine.core.settings import PROJECT_ROOT


def test_bench_engine_runs_and_prints_the_ratio_table():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_engine.py"), "--cases", "3"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "raw SpiffWorkflow JSON" in result.stdout and "ours: SQLite txn" in result.stdout
    assert "worst median ratio" in result.stdout


def test_bench_report_pdf_runs_and_prints_the_timing_table():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_report_pdf.py"), "--cases", "50", "--repeat", "1"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0] for line in result.stdout.splitlines() if line.split()}
    assert {"build", "render", "total"} <= rows and "p95 CPU" in result.stdout and "PDF size:" in result.stdout


def test_bench_issuance_runs_and_prints_the_timing_table():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_issuance.py"), "--repeat", "2"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0] for line in result.stdout.splitlines() if line.split()}
    assert {"render", "convert", "sign", "issue"} <= rows and "goal p95 issuance" in result.stdout


def test_bench_documents_issues_signed_documents_and_prints_the_stage_table():
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_documents.py"), "--repeat", "2"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0] for line in result.stdout.splitlines() if line.split()}
    assert {"render", "convert", "sign", "store", "total"} <= rows and "n=2" in result.stdout


def test_bench_federation_runs_and_prints_the_delivery_table():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_federation.py"), "--messages", "20", "--seconds", "1",
         "--backend", "sqlite"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    [row] = [line.split() for line in result.stdout.splitlines() if line.startswith("sqlite")]
    assert row[1] == "20" and row[3] == "20"  # every message delivered in both runs
