"""Petitions: reception, triage, matters, duplicates, second instance and protected identities."""
