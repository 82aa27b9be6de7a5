"""bench/bench_search.py keeps working at a tiny size (no timing is asserted: figures are read from its output)."""

import re
import subprocess
import sys

from engine.core.settings import PROJECT_ROOT


def test_bench_search_indexes_both_backends_and_prints_the_table():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_search.py"), "--cases", "300", "--queries", "12"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "SQLite: setup" in result.stdout and "300 cases indexed" in result.stdout
    assert result.stdout.count("plan of the candidates of 'ke toan' for a ward officer") == 2
    table = result.stdout.split("p95 ≤ 100 ms", 1)[1]
    assert re.search(r"^SQLite\s+300\s+12\s", table, re.MULTILINE)
    assert re.search(r"^PostgreSQL\s+300\s+12\s", table, re.MULTILINE)
