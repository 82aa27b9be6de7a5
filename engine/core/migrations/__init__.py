"""Alembic migrations of the Phản Ánh schema."""
