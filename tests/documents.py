"""Reading issued and drafted documents in tests: the text of a DOCX, tables (the letterhead) included."""

import io

from docx import Document


def text_of(docx: bytes) -> str:
    """Every paragraph of the document, tables included, one per line."""
    document = Document(io.BytesIO(docx))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)
