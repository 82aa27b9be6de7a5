"""Facts about the machine a benchmark ran on, printed above its figures."""

from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name, or "?"."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"
