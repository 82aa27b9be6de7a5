"""Who registers a case when no staff member does."""

PUBLIC_FILER = "portal"
"""The ``created_by`` of cases filed on the public portal: the only cases that get a tracking secret, so the only ones
a citizen can subscribe to."""
