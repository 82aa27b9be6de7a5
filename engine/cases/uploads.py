"""A file as a use case receives it, before it is stored as an attachment of a case."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name, its declared type and its bytes (read up to one byte past the limit)."""

    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        """The number of bytes read."""
        return len(self.content)
