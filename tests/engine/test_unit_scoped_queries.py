"""The yearly report reads only the rows of the unit subtree it is built for: every statement on a case table
names the units (``unit_id IN``/``=``), so a database sharded by unit or province can route it (docs/scaling.md)."""

from sqlalchemy import event

from engine.reports.periods import parse_period
from engine.reports.summary import build_summary

CASE_TABLES = ("cases", "human_tasks", "case_timers", "audit_events", "petition_handling", "case_statistics")


def test_every_report_statement_filters_by_unit(world):
    engine = world.factory.kw["bind"]
    log: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        log.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with world.factory() as session:
            build_summary(session, world.services.forms, unit_id=world.units["d1"], period=parse_period("2026"),
                          zone=world.services.calendar.zone, now=world.clock.now())  # fmt: skip
    finally:
        event.remove(engine, "before_cursor_execute", record)
    on_cases = [s for s in log if any(f"FROM {t} " in s + " " or f"JOIN {t} " in s for t in CASE_TABLES)]
    assert len(on_cases) >= 10, log  # the counts of both periods, the late steps, the petitions
    for statement in on_cases:
        assert "unit_id IN" in statement or "unit_id =" in statement, statement
