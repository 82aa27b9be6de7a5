"""Route modules, one per domain area."""
