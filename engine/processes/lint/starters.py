"""The ``startableBy`` property of the process: role names the system knows, or ``system``."""

from lxml import etree

from engine.people.roles import ROLES
from engine.processes.bpmn_xml import element_properties
from engine.processes.lint.problems import LintProblem, error, warning
from engine.processes.starters import DEFAULT_STARTERS, STARTABLE_BY_PROPERTY, SYSTEM_STARTER, parse_startable_by


def starter_problems(process: etree._Element) -> list[LintProblem]:
    """An unknown role or an empty list is an error; ``system`` mixed with roles, or roles that cannot register
    cases, are warnings."""
    value = element_properties(process).get(STARTABLE_BY_PROPERTY)
    if value is None:
        return []
    names = parse_startable_by(value)
    known = f"{', '.join(ROLES)}, or {SYSTEM_STARTER} alone"
    if not names:
        return [error("startable-by", process, f"{STARTABLE_BY_PROPERTY} names no role; write roles ({known})")]
    problems = [
        error("startable-by", process, f"{STARTABLE_BY_PROPERTY} names '{name}', which is not a role ({known})")
        for name in names
        if name != SYSTEM_STARTER and name not in ROLES
    ]
    roles = [name for name in names if name in ROLES]
    if SYSTEM_STARTER in names and roles:
        problems.append(
            warning(
                "startable-by",
                process,
                f"{STARTABLE_BY_PROPERTY} mixes '{SYSTEM_STARTER}' with roles; the system starts every process "
                f"anyway, so '{SYSTEM_STARTER}' has no effect here",
            )
        )
    idle = [name for name in roles if name not in DEFAULT_STARTERS]
    if idle:
        problems.append(
            warning(
                "startable-by",
                process,
                f"{STARTABLE_BY_PROPERTY} names {', '.join(idle)}; only {', '.join(DEFAULT_STARTERS)} register "
                "cases, so these roles cannot start it",
            )
        )
    return problems
