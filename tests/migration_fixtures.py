"""Version 2 of the 1374 process for migration tests (tests/fixtures/migration), and helpers to deploy them."""

import shutil
from pathlib import Path

from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import CaseTimer, HumanTask, MigrationBatch
from engine.core.settings import PROJECT_ROOT
from engine.processes.deployment import deploy_bpmn
from engine.processes.forms import FormCatalog
from engine.processes.migration_batches import create_batch, run_batch
from tests.factories import FIXTURES, World

MIGRATION_FIXTURES = FIXTURES / "migration"
DEADLINE_V2 = "report_1374_v2_deadline.bpmn"  # the escalation timer: verification_days + 5 working days
REMOVED_TASK_V2 = "report_1374_v2_removed_task.bpmn"  # no forward_or_archive step, and the new deadline
REQUIRED_FIELD_V2 = "report_1374_v2_required_field.bpmn"  # assignment form requires verification_unit
ADDED_TIMER_V2 = "report_1374_v2_added_timer.bpmn"  # verification gets a second reminder at 90% of its period


def use_forms_with_v2(world: World, folder: Path) -> None:
    """Give the world a forms folder holding the real forms plus the version 2 test forms."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in [*(PROJECT_ROOT / "forms").glob("*.json"), *(MIGRATION_FIXTURES / "forms").glob("*.json")]:
        shutil.copy(source, folder / source.name)
    world.services.forms = FormCatalog(folder)


def deploy_version(world: World, fixture: str, deployed_by: str = "designer1") -> int:
    """Deploy a version 2 fixture of report_1374; returns its version number."""
    content = (MIGRATION_FIXTURES / fixture).read_bytes()
    with transaction(world.factory) as session:
        result = deploy_bpmn(
            session, content=content, filename="report_1374.bpmn", forms=world.services.forms, deployed_by=deployed_by
        )
        return result.definition.version


def migrate(world: World, to_version: int, case_ids: list[int] | None = None) -> MigrationBatch:
    """Create a batch and run it to the end, synchronously."""
    with transaction(world.factory) as session:
        batch_id = create_batch(
            session, world.services, process_key="report_1374", to_version=to_version, requested_by="designer1",
            case_ids=case_ids,
        ).id  # fmt: skip
    return run_batch(world.factory, world.services, batch_id)


def open_task(world: World, case_id: int) -> HumanTask | None:
    """The open task row of a case."""
    with world.factory() as session:
        return session.scalars(
            select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == "ready")
        ).first()


def waiting_timer_rows(world: World, case_id: int) -> dict[str, CaseTimer]:
    """The waiting timer rows of a case by BPMN id."""
    with world.factory() as session:
        rows = session.scalars(select(CaseTimer).where(CaseTimer.case_id == case_id, CaseTimer.status == "waiting"))
        return {row.spec_name: row for row in rows}
