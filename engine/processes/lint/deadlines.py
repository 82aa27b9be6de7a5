"""The step-deadline properties of user tasks: a whole number of days and a known way of counting them."""

from lxml import etree

from engine.processes.bpmn_xml import element_properties
from engine.processes.lint.model import local_name
from engine.processes.lint.problems import LintProblem, error, warning
from engine.processes.step_deadlines import (
    DAY_TYPES,
    DEADLINE_DAY_TYPE_PROPERTY,
    DEADLINE_DAYS_PROPERTY,
    MAX_DAYS,
    parse_days,
)


def _is_timer_event(element: etree._Element) -> bool:
    return local_name(element) == "boundaryEvent" and any(
        isinstance(child.tag, str) and local_name(child) == "timerEventDefinition" for child in element
    )


def deadline_problems(process: etree._Element) -> list[LintProblem]:
    """A ``deadlineDays`` that is not a whole number from 1 to 3650, or an unknown ``deadlineDayType``, is an
    error; a deadline on an element that is not a user task is a warning (nothing would use it). A timer boundary
    event may carry ``deadlineDayType`` alone: the count its period is moved by when a suspended case resumes."""
    problems: list[LintProblem] = []
    for element in process.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        properties = element_properties(element)
        days = properties.get(DEADLINE_DAYS_PROPERTY)
        day_type = properties.get(DEADLINE_DAY_TYPE_PROPERTY)
        if days is None and day_type is None:
            continue
        if days is None and _is_timer_event(element):  # how a suspension moves this timer (engine/cases/pause)
            if (day_type or "").strip() not in DAY_TYPES:
                problems.append(
                    error("deadline", element, f"{DEADLINE_DAY_TYPE_PROPERTY} '{day_type}' is not one of "
                          + ", ".join(DAY_TYPES))
                )  # fmt: skip
            continue
        if local_name(element) != "userTask":
            problems.append(
                warning("deadline", element, f"{DEADLINE_DAYS_PROPERTY} is only used on user tasks; remove it here")
            )
            continue
        if days is None:
            problems.append(
                warning(
                    "deadline", element, f"{DEADLINE_DAY_TYPE_PROPERTY} without {DEADLINE_DAYS_PROPERTY} sets nothing"
                )
            )
        elif parse_days(days) is None:
            problems.append(
                error(
                    "deadline",
                    element,
                    f"{DEADLINE_DAYS_PROPERTY} '{days}' is not a whole number of days from 1 to {MAX_DAYS}",
                )
            )
        if day_type is not None and day_type.strip() not in DAY_TYPES:
            problems.append(
                error(
                    "deadline",
                    element,
                    f"{DEADLINE_DAY_TYPE_PROPERTY} '{day_type}' is not one of {', '.join(DAY_TYPES)}",
                )
            )
    return problems
