"""Helpers that walk a 1374 case through the engine (no HTTP)."""

from engine.cases.runtime import CaseRuntime
from engine.core.db import transaction
from engine.core.models import Case
from tests.factories import INTAKE, World

SCREEN_IN = {"screening": "in_scope"}
VERIFY = {"findings": "Có cơ sở"}
CONCLUDE = {"violation": True, "party_sanction": "reprimand", "state_sanction": "none", "conclusion": "Vi phạm"}


def assign_data(days: int = 10, day_type: str = "working") -> dict:
    """The team lead's assignment of officer1."""
    return {"verifying_officer": "officer1", "verification_days": days, "verification_day_type": day_type}


def start_report(world: World, data: dict | None = None, process_key: str = "report_1374") -> int:
    """Register a case as officer1; returns its id."""
    with transaction(world.factory) as session:
        case = CaseRuntime(session, world.services).start_case(
            world.actor("officer1"), process_key=process_key, data=data if data is not None else INTAKE
        )
        return case.id


def written_on_or_before_today(world: World, data: dict) -> dict:
    """The data with its acceptance date moved back to today when the sample date is later than the world's clock:
    the engine refuses an acceptance date in the future, and the samples are dated for tests that set the clock."""
    today = world.clock.now().astimezone(world.services.calendar.zone).date().isoformat()
    written = data.get("accepted_on")
    return {**data, "accepted_on": today} if isinstance(written, str) and written > today else data


def complete(world: World, case_id: int, spec_name: str, username: str, data: dict) -> Case:
    """Complete the open task ``spec_name`` of a case (an acceptance date after today is written as today)."""
    data = written_on_or_before_today(world, data)
    task = world.ready_task(case_id, spec_name)
    assert task is not None, f"{spec_name} is not open"
    with transaction(world.factory) as session:
        return CaseRuntime(session, world.services).complete_task(world.actor(username), task.id, data)


def walk_to_verification(world: World, days: int = 10, day_type: str = "working") -> int:
    """A case waiting in verify_report, assigned to officer1."""
    case_id = start_report(world)
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    complete(world, case_id, "assign_verification", "lead1", assign_data(days, day_type))
    return case_id


def walk_to_publication(world: World, channels: list[str], summary: str) -> int:
    """A 1374 case walked to its end, concluded and publicized on ``channels`` with ``summary``; returns its id."""
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    publicize = {"channels": channels, "published_on": "2027-01-15", "summary": summary}
    complete(world, case_id, "publicize_result", "officer1", publicize)
    return case_id
