"""What the web app imports when a server process starts (checked in a subprocess via sys.modules)."""

import subprocess
import sys

from engine.core.settings import PROJECT_ROOT


def test_the_web_app_imports_pyhanko_only_to_verify_a_document():
    """pyHanko (with requests) took ~0.4 s of the app's import, paid by every server and test process."""
    probe = "import sys, api.app; print(','.join(m for m in ('pyhanko', 'pyhanko_certvalidator') if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT, check=True
    )
    assert result.stdout.strip() == ""
