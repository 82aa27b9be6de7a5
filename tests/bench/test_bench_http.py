"""bench/bench_http.py keeps working: every row of its table is printed and every response was 200 (no timing is
asserted here)."""

import subprocess
import sys

from engine.core.settings import PROJECT_ROOT

ROWS = (
    "healthz bare FastAPI req/s",
    "healthz app req/s",
    "healthz app ÷ bare",
    "completions/s SQLite ×1",
    "completions ÷ bare req/s",
    "completions/s PostgreSQL ×1",
    "completions/s PostgreSQL ×2",
    "RSS MB after 4 warm-up completions",
    "RSS MB after 8 more",
    "RSS growth %",
)


def test_bench_http_prints_every_row_with_only_200_answers():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_http.py"), "--cases", "8", "--warmup", "4",
         "--pg-cases", "8", "--seconds", "0.5"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for row in ROWS:
        assert any(line.startswith(row) for line in lines), row
    assert "every response was 200" in result.stdout
