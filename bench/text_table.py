"""Plain aligned text tables for benchmark output: a header row, a rule, then the rows."""

from collections.abc import Sequence


def aligned_table(lines: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """Columns padded to their widest cell; ``numeric`` columns are right-aligned."""
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for number, line in enumerate(lines):
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
