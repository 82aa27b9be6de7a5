"""bench/bench_inbox.py keeps working at a tiny size (no timing is asserted: figures are read from its output)."""

import re
import subprocess
import sys

from engine.core.settings import PROJECT_ROOT


def test_bench_inbox_times_every_view_on_both_backends_and_prints_the_plans():
    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "bench_inbox.py"), "--cases", "300", "--repeat", "2",
         "--warmups", "1"],
        capture_output=True, text=True, timeout=600, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "SQLite: setup" in result.stdout and "PostgreSQL: setup" in result.stdout
    assert result.stdout.count("plans of the ward officer's inbox statements") == 2
    assert "ix_human_tasks_inbox" in result.stdout
    for backend in ("SQLite", "PostgreSQL"):
        for via in ("engine", "HTTP"):
            assert re.search(rf"^{backend}\s+city supervisor\s+by received\s+{via}\s", result.stdout, re.MULTILINE)
    assert "worst HTTP p95:" in result.stdout
