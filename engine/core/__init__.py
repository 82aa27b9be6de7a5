"""The small core every domain stands on: database, settings, clock, calendar, errors, tables, migrations."""
