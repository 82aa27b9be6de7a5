"""bench/bench_engine.py keeps working (no timing is asserted here: figures are read from the bench output)."""

import re
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
    assert "worst median ratio" in result.stdout and "worst CPU ratio" in result.stdout
    assert "document issuance: off" in result.stdout


def test_bench_engine_phases_name_where_the_completion_s_cpu_goes_without_counting_any_twice():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_engine.py"), "--cases", "3", "--phases"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("Where our completion's CPU goes")[1]
    cells = [re.split(r"\s{2,}", line.strip()) for line in table.splitlines()[3:] if line.strip()]
    rows = {row[0]: row[1:] for row in cells}
    named = ("load the workflow state", "commit (SQLite: WAL write and fsync)",
             "hook: engine.reports.hooks.keep_report_counters", "raw SpiffWorkflow, whole round trip")  # fmt: skip
    for phase in named:
        assert float(rows[phase][0]) > 0, phase
    rest = rows["the rest (runtime bookkeeping, statements' building)"]
    assert float(rest[0]) >= 0, "a phase run inside another is counted once (the phases never sum above the whole)"


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


def test_bench_all_runs_only_scripts_that_exist_and_refuses_unknown_names():
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    from bench_all import BENCHES

    assert {bench.script for bench in BENCHES} <= {path.name for path in (PROJECT_ROOT / "bench").glob("bench_*.py")}
    refused = subprocess.run(
        [sys.executable, "bench/bench_all.py", "--only", "bench_nothing.py"],
        capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert refused.returncode == 2 and "unknown benchmark(s): bench_nothing.py" in refused.stderr


def test_bench_long_case_runs_and_prints_the_late_to_early_ratio_and_state_sizes():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_long_case.py"), "--cases", "1", "--steps", "52",
         "--compare"],
        capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {tuple(line.split()[:3]) for line in result.stdout.splitlines() if line.startswith(("pruned", "not pruned"))}
    assert {("pruned", "(now)", "10"), ("pruned", "(now)", "50"), ("pruned", "(now)", "52")} <= rows
    assert ("not", "pruned", "(before)") in rows
    assert "pruned (now): step 52 ÷ step 10 =" in result.stdout, "the last step walked is reported too"
    assert "a deadline on every step: step 52 ÷ step 10 =" in result.stdout and "state bytes" in result.stdout


def test_bench_timers_runs_and_prints_the_lag_and_start_up_tables():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_timers.py"), "--backend", "sqlite", "--steady", "20",
         "--rate", "50", "--burst", "20", "--runs", "1"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("SQLite")]
    steady, burst, startup = rows[-3:]  # the timers table's two rows, then the start-up table's
    assert steady[1] == "ours" and steady[3:6] == ["steady", "50/s", "20"] and burst[3:5] == ["burst", "20"]
    assert "CPU ms/timer" in result.stdout and float(burst[-2]) > 0  # the workers' CPU per timer, measured
    assert "--once idle" in result.stdout and "to 1st fire" in result.stdout and startup[1] == "ours"
