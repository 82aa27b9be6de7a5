"""Where the committed DOCX templates live (one file per document kind); kept apart from the builder, which needs
python-docx, so that reading a template does not import it."""

from pathlib import Path

from engine.documents.kinds import DocumentKind

TEMPLATES_DIR = Path(__file__).resolve().parent / "template_files"


def template_path(kind: DocumentKind | str, folder: Path = TEMPLATES_DIR) -> Path:
    """Where the committed template of ``kind`` lives."""
    return folder / f"{DocumentKind(kind).value}.docx"
