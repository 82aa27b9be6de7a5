"""Who may start a process by hand: the ``startableBy`` property of its ``bpmn:process`` element.

The property lists roles, comma-separated (``officer, supervisor``), or ``system`` for processes that only the
system starts (a timer, a follow-up opened from another case). Without it, the case-handling roles may start the
process (officer, team lead, supervisor). The system's own starts (timers, follow-up cases, the public portal)
never ask.
"""

from collections.abc import Mapping

from engine.people.roles import Role

STARTABLE_BY_PROPERTY = "startableBy"
SYSTEM_STARTER = "system"
DEFAULT_STARTERS: tuple[str, ...] = (Role.OFFICER, Role.TEAM_LEAD, Role.SUPERVISOR)
CATALOG_KEY = "startable_by"


def parse_startable_by(value: str | None) -> list[str]:
    """The names a ``startableBy`` value lists, in order, without blanks or repeats (the default when absent)."""
    if value is None:
        return list(DEFAULT_STARTERS)
    return list(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def start_roles(catalog: Mapping) -> frozenset[str]:
    """The roles that may start a deployed process by hand; empty when only the system starts it.

    Catalogs of versions deployed before the property existed carry no entry: the default roles apply.
    """
    names = catalog.get(CATALOG_KEY)
    if names is None:
        names = DEFAULT_STARTERS
    return frozenset(str(name) for name in names if name != SYSTEM_STARTER)
