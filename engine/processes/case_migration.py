"""Moving a running case to another version of its process, with SpiffWorkflow's own diff and migration.

``SpecDiff`` and ``WorkflowDiff`` align the case's tasks with the new version's task specs; ``migrate_workflow``
swaps the specs and re-predicts the open user tasks. Waiting timers whose spec changed are reset too, so their new
expression is evaluated (a changed SLA applies); unchanged timers keep their fire time. The dry run performs the
same steps on a copy in memory and reports why a case cannot move: its open step is gone, a step it passed is
gone, the new version needs data the case lacks, or the case is not running. A move is one transaction like every
runtime action: index and timers synced, ``case_migrated`` audited, the case row saved under its version check.
"""

import ast
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, filter_tasks, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from engine.cases.audit import AuditTrail
from engine.cases.enums import CaseStatus, TaskStatus
from engine.cases.identity import PROTECTED_FIELDS
from engine.cases.runtime import CaseRuntime, _latest_data
from engine.cases.store import IndexChanges
from engine.cases.task_index import ready_user_tasks, snapshot, waiting_timers
from engine.core.errors import Conflict, NotFound
from engine.core.models import Case, HumanTask, ProcessDefinition
from engine.processes.spec_cache import DeployedProcess

OPEN_STATES = TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass
class MigrationCheck:
    """Whether one case can move to the target version, and every reason why not."""

    case_id: int
    tracking_code: str
    from_version: int
    can_move: bool
    reasons: list[str] = field(default_factory=list)


class MigrationRefused(Conflict):
    """The case cannot move to the target version; it stays on its own."""

    def __init__(self, tracking_code: str, to_version: int, reasons: list[str]) -> None:
        super().__init__(f"Case {tracking_code} cannot move to version {to_version}: {'; '.join(reasons)}")
        self.reasons = reasons


def _step(task) -> str:
    spec = task.task_spec
    return f"'{spec.bpmn_name}' ({spec.bpmn_id})" if spec.bpmn_name else f"'{spec.bpmn_id or spec.name}'"


def _all_tasks(workflow: BpmnWorkflow) -> list[tuple[Task, BpmnProcessSpec]]:
    """Every task with the spec that owns it (the workflow's or its subprocess's)."""
    found = [(task, workflow.spec) for task in workflow.tasks.values()]
    for subprocess in workflow.subprocesses.values():
        found.extend((task, subprocess.spec) for task in subprocess.tasks.values())
    return found


def _names(source: str | None, context: type) -> set[str]:
    """The variable names a script or expression reads (``ast.Load``) or assigns (``ast.Store``)."""
    if not isinstance(source, str) or not source:
        return set()
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, context)}


_SPEC_DIFFS: dict[tuple[int, int], tuple[object, object, SpecDiff]] = {}


def _spec_diff(registry, old: DeployedProcess, new: DeployedProcess) -> SpecDiff:
    """SpiffWorkflow's diff of two deployed versions, kept while both parsed specs stay in the spec cache."""
    cached = _SPEC_DIFFS.get((old.id, new.id))
    if cached is not None and cached[0] is old.spec and cached[1] is new.spec:
        return cached[2]
    diff = SpecDiff(registry, old.spec, new.spec)
    _SPEC_DIFFS[(old.id, new.id)] = (old.spec, new.spec, diff)
    return diff


def _attach_new_boundary_events(split) -> list:
    """Boundary events (timers, SLAs) that the new version attaches to a step the case is still at.

    SpiffWorkflow creates a step's boundary events when the step is reached; ``migrate_workflow`` swaps specs but
    does not add events to a split already passed, so the new ones are added here, waiting, and their timers are
    evaluated with the case data like those of a step reached on the new version.
    """
    if not isinstance(split.task_spec, BoundaryEventSplit) or split.state != TaskState.COMPLETED:
        return []
    main = next((child for child in split.children if not isinstance(child.task_spec, BoundaryEvent)), None)
    if main is None or not main.has_state(OPEN_STATES):
        return []
    present = {child.task_spec for child in split.children}
    added = []
    for spec in split.task_spec.outputs:
        if isinstance(spec, BoundaryEvent) and spec not in present:
            event = split._add_child(spec, TaskState.WAITING)
            spec._update(event)  # takes the step's data and evaluates the timer, as on reaching the step
            added.append(event)
    return added


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class CaseMigrator(CaseRuntime):
    """Checks and performs the move of cases to another version, within the caller's session."""

    def check_case(self, case: Case, target: ProcessDefinition) -> MigrationCheck:
        """The dry run of one case: the move is done in memory and thrown away."""
        reasons = self._status_reasons(case, target)
        if not reasons:
            reasons, _ = self._move(case, self._load_workflow(case), self.services.specs.get(self.session, target.id))
        return MigrationCheck(case.id, case.tracking_code, case.process_version, not reasons, reasons)

    def migrate_case(self, case_id: int, target: ProcessDefinition, *, actor: str) -> MigrationCheck:
        """Move one case to ``target`` and save it; raises ``MigrationRefused`` (nothing written) when it cannot."""
        case = self.store.case(case_id)
        if case is None:
            raise NotFound(f"Case {case_id} does not exist")
        reasons = self._status_reasons(case, target)
        if reasons:
            raise MigrationRefused(case.tracking_code, target.version, reasons)
        new = self.services.specs.get(self.session, target.id)
        workflow = self._load_workflow(case)
        before = snapshot(workflow)
        old_fire_at = {str(task.id): fire_at for task, fire_at in waiting_timers(workflow)}
        reasons, changed = self._move(case, workflow, new)
        if reasons:
            raise MigrationRefused(case.tracking_code, target.version, reasons)
        from_version, now = case.process_version, self.services.clock.now()
        case.definition_id, case.process_version = target.id, target.version
        trail = AuditTrail(self.session, case)
        payload = {"from_version": from_version, "to_version": target.version, "changed_tasks": changed}
        trail.append(kind="case_migrated", actor=actor, at=now, payload=payload)
        changes = self._recomputed_index(case, workflow, new, old_fire_at, trail, now)
        self._advance_and_save(case, workflow, before, trail, now, changes=changes)
        if case.status == CaseStatus.ERROR:  # the caller rolls back: the case stays as it was, on its version
            reason = f"Version {target.version} stops at '{case.error_task}': {case.error_message}"
            raise MigrationRefused(case.tracking_code, target.version, [reason])
        cases = Case.__table__
        self.session.execute(
            update(cases).where(cases.c.id == case.id).values(definition_id=target.id, process_version=target.version)
        )
        return MigrationCheck(case.id, case.tracking_code, from_version, True, [])

    def record_failure(self, case_id: int, target: ProcessDefinition, *, actor: str, reason: str) -> None:
        """Write ``case_migration_failed`` to the case's audit trail (the case stays on its version)."""
        case = self.store.case(case_id)
        if case is None:
            return
        now = self.services.clock.now()
        trail = AuditTrail(self.session, case)
        payload = {"from_version": case.process_version, "to_version": target.version, "reason": reason}
        trail.append(kind="case_migration_failed", actor=actor, at=now, payload=payload)
        self._touch(case, trail, now)

    # ---- the move itself -------------------------------------------------------------------------------------

    def _status_reasons(self, case: Case, target: ProcessDefinition) -> list[str]:
        if case.process_key != target.key:
            return [f"Case {case.tracking_code} belongs to process '{case.process_key}', not '{target.key}'"]
        if case.definition_id == target.id:
            return [f"Case {case.tracking_code} is already on version {target.version}"]
        if case.status == CaseStatus.COMPLETED:
            return [f"Case {case.tracking_code} is completed; only running cases can move"]
        if case.status == CaseStatus.ERROR:
            return [f"Case {case.tracking_code} is stopped by an error in '{case.error_task}': {case.error_message}"]
        if case.status != CaseStatus.IN_PROGRESS:
            return [f"Case {case.tracking_code} is {case.status}; only running cases can move"]
        return []

    def _move(self, case: Case, workflow: BpmnWorkflow, new: DeployedProcess) -> tuple[list[str], list[str]]:
        """Migrate ``workflow`` in place to ``new``; returns (reasons it cannot move, open steps that changed)."""
        version = new.version
        top, subprocess_diffs = self._workflow_diffs(case, workflow, new)
        diffs = [top, *[d for d in subprocess_diffs.values() if d is not None]]
        reasons = [
            f"Its current step {_step(task)} does not exist in version {version}"
            for diff in diffs
            for task in filter_tasks(diff.removed, state=OPEN_STATES)
        ]
        reasons += [
            f"It has passed step {_step(task)}, which version {version} removes"
            for diff in diffs
            for task in filter_tasks(diff.removed, state=TaskState.COMPLETED)
            if task.task_spec.bpmn_id
        ]
        reasons += [
            f"Its subprocess '{workflow.subprocesses[sp_id].spec.name}' does not exist in version {version}"
            for sp_id, diff in subprocess_diffs.items()
            if diff is None
        ]
        if reasons:
            return _unique(reasons), []
        changed = _unique([_step(t) for d in diffs for t in filter_tasks(d.changed, state=OPEN_STATES)])
        changed_timers = [t for d in diffs for t in filter_tasks(d.changed, state=TaskState.WAITING)]
        try:
            migrate_workflow(top, workflow, new.spec, reset_mask=TaskState.READY)
            for sp_id, subprocess in workflow.subprocesses.items():
                spec = new.subprocess_specs.get(subprocess.spec.name)
                migrate_workflow(subprocess_diffs[sp_id], subprocess, spec, reset_mask=TaskState.READY)
            workflow.subprocess_specs = new.subprocess_specs
            for timer in changed_timers:  # a changed timer is evaluated again with the new expression
                if timer.state == TaskState.WAITING:
                    timer.reset_branch(None)
            added = [_step(event) for split, _ in _all_tasks(workflow) for event in _attach_new_boundary_events(split)]
            changed = _unique([*changed, *added])
        except Exception as exc:  # SpiffWorkflow evaluates the new expressions here: missing data fails
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return [f"Version {version} cannot be applied to the case data: {message}"], changed
        reasons = [
            f"Step {_step(task)} ({TaskState.get_name(task.state).lower()}) has no counterpart in version {version}"
            for task, owner in _all_tasks(workflow)
            if owner is None or owner.task_specs.get(task.task_spec.name) is not task.task_spec
        ]
        reasons += self._missing_data(workflow, new)
        reasons += self._unknown_variables(workflow, new)
        return _unique(reasons), changed

    def _workflow_diffs(self, case: Case, workflow: BpmnWorkflow, new: DeployedProcess) -> tuple[WorkflowDiff, dict]:
        """What ``diff_workflow`` computes, with the spec diff of the two versions computed once, not per case."""
        registry = self.services.states.registry
        top = WorkflowDiff(workflow, _spec_diff(registry, self._process(case), new))
        subprocess_diffs = {
            sp_id: WorkflowDiff(sp, SpecDiff(registry, sp.spec, new.subprocess_specs[sp.spec.name]))
            if sp.spec.name in new.subprocess_specs
            else None
            for sp_id, sp in workflow.subprocesses.items()
        }
        return top, subprocess_diffs

    def _missing_data(self, workflow: BpmnWorkflow, new: DeployedProcess) -> list[str]:
        """Fields that the new version's forms of the steps already passed require but the case lacks."""
        forms = new.catalog.get("forms", {})
        passed = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)}
        steps = [(element_id, form) for element_id, form in forms.items() if element_id in passed]
        data = _latest_data(workflow)
        reasons = []
        for element_id, form in steps:
            required = self.services.forms.schema(form).get("required", [])
            missing = [name for name in required if name not in data and name not in PROTECTED_FIELDS]
            if missing:
                name = new.catalog.get("names", {}).get(element_id, element_id)
                reasons.append(
                    f"Version {new.version} requires {', '.join(missing)} in form '{form}' of step '{name}' "
                    f"({element_id}), which the case does not have"
                )
        return reasons

    def _unknown_variables(self, workflow: BpmnWorkflow, new: DeployedProcess) -> list[str]:
        """Variables that conditions and timers ahead need, but that neither the case nor a step ahead provides."""
        passed = {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED | TaskState.WAITING)}
        ahead = [spec for name, spec in new.spec.task_specs.items() if name not in passed]
        globals_ = self.services.script_engine().environment.globals
        known = set(_latest_data(workflow)) | set(globals_) | set(globals_.get("__builtins__", {}))
        forms = new.catalog.get("forms", {})
        needed: dict[str, set[str]] = {}
        for spec in ahead:
            if spec.bpmn_id in forms:
                known |= set(self.services.forms.schema(forms[spec.bpmn_id]).get("properties", {}))
            known |= _names(getattr(spec, "script", None), ast.Store) | {getattr(spec, "result_variable", None)}
            conditions = [condition for condition, _ in getattr(spec, "cond_task_specs", []) if condition]
            expressions = [c.args[0] if hasattr(c, "args") else c for c in conditions]
            timer = getattr(getattr(spec, "event_definition", None), "expression", None)
            for expression in [*expressions, *([timer] if isinstance(timer, str) else [])]:
                for name in _names(expression, ast.Load):
                    needed.setdefault(name, set()).add(spec.bpmn_name or spec.bpmn_id or spec.name)
        return [
            f"Version {new.version} needs '{name}' at {', '.join(sorted(where))}, which the case does not have "
            "and no step ahead provides"
            for name, where in sorted(needed.items())
            if name not in known
        ]

    def _recomputed_index(
        self, case: Case, workflow: BpmnWorkflow, new: DeployedProcess, old_fire_at: dict, trail: AuditTrail, now
    ) -> IndexChanges:
        """Timers that kept their id but fire at a new time, and open tasks renamed or re-dated by the new version."""
        changes = IndexChanges()
        catalog_timers = new.catalog.get("timers", {})
        waiting = {str(task.id): (task, fire_at) for task, fire_at in waiting_timers(workflow)}
        due_by_spec: dict[str, object] = {}
        for timer_id, (task, fire_at) in waiting.items():
            spec_id = task.task_spec.bpmn_id or task.task_spec.name
            info = catalog_timers.get(spec_id, {})
            if info.get("role") == "escalation" and info.get("attached_to"):
                due_by_spec[info["attached_to"]] = fire_at
            previous = old_fire_at.get(timer_id)
            if previous is not None and previous != fire_at:
                changes.update_timer(timer_id, fire_at=fire_at, claimed_by=None, lease_until=None)
                payload = {"timer": spec_id, "role": info.get("role"), "fire_at": fire_at.isoformat()}
                payload["previous"] = previous.isoformat()
                trail.append(kind="timer_set", actor="system", at=now, task_id=timer_id, payload=payload)
        ready = {str(task.id): task for task in ready_user_tasks(workflow)}
        rows = self.session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == TaskStatus.READY)
        )
        for row in rows:
            task = ready.get(row.id)
            if task is None:
                continue
            spec_id = task.task_spec.bpmn_id or task.task_spec.name
            values = {
                "spec_name": spec_id,
                "name": task.task_spec.bpmn_name or new.catalog.get("names", {}).get(spec_id) or spec_id,
                "lane": task.task_spec.lane,
                "form": new.catalog.get("forms", {}).get(spec_id),
                "due_at": due_by_spec.get(spec_id),
            }
            differing = {key: value for key, value in values.items() if getattr(row, key) != value}
            if differing:
                changes.update_task(row.id, **differing)
        return changes
