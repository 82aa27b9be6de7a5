"""PLACEHOLDER of the unit's PAdES signature (issue 14c), until the signing module lands."""

from sqlalchemy.orm import Session


def sign_pdf(pdf: bytes, *, unit_id: int, signer_name: str, signer_title: str, session: Session) -> bytes:
    """PLACEHOLDER: returns the PDF unsigned; the signing helper's module signs it with the unit's certificate."""
    return pdf
