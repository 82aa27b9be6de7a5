"""Phản Ánh HTTP layer: REST API under /api (and, later, the web pages)."""
