"""CaseRuntime: one function per action (start, claim, assign, complete, fire timer), each one transaction.

Every action loads the case with its ``version``, acts on the SpiffWorkflow state, runs engine steps, syncs
the task index, timers and audit events, serializes, and updates the case row guarded by the version it read.
"""

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.cases.audit import AuditTrail, canonical_json
from engine.cases.compaction import prune_superseded
from engine.cases.enums import CaseStatus, TaskStatus, TimerStatus
from engine.cases.filers import PUBLIC_FILER
from engine.cases.hooks import HOOKS, CaseBefore, CaseSaved, TaskAssigned, TaskSubmission
from engine.cases.identity import copy_identity, split_identity
from engine.cases.store import CaseStore, IndexChanges
from engine.cases.task_index import IndexSnapshot, IndexSync, snapshot
from engine.cases.tracking import next_tracking_code
from engine.core.errors import CaseSuspended, Conflict, Forbidden, NotFound
from engine.core.models import Case, CaseTimer, HumanTask, ProcessDefinition, Unit
from engine.people.absences import Delegation, delegation_for
from engine.people.assignees import check_assignee_fields, check_candidate, check_person_fields, find_user
from engine.people.auth import Actor
from engine.people.permissions import (
    can_assign_task,
    can_claim_task,
    can_complete_task,
    can_register_case,
    can_start_process,
    can_unclaim_task,
    require,
)
from engine.people.roles import Role
from engine.processes.deployment import latest_definition
from engine.processes.operators import OperatorContext
from engine.processes.spec_cache import DeployedProcess
from engine.services import EngineServices


def _data_diff(before: dict, after: dict) -> dict:
    """The submitted fields that changed, as JSON-native values (workflow data may hold other types)."""
    diff = {key: {"old": before.get(key), "new": value} for key, value in after.items() if before.get(key) != value}
    return json.loads(canonical_json(diff))


def _short_text(value: object, limit: int) -> str | None:
    return str(value)[:limit] if isinstance(value, str | int) and value != "" else None


def _subject_name(case_data: dict) -> object:
    subject = case_data.get("subject")
    return subject.get("name") if isinstance(subject, dict) else None


def _error_details(exc: SpiffWorkflowException) -> tuple[str, int | None, str | None]:
    line = getattr(exc, "line_number", None)
    task_spec = getattr(exc, "task_spec", None)
    task_name = getattr(task_spec, "bpmn_id", None) or getattr(task_spec, "name", None)
    message = str(exc).splitlines()[0]
    notes = getattr(exc, "__notes__", None) or []
    if notes:
        message = f"{message} ({'; '.join(notes)})"
    return message, line if isinstance(line, int) and line > 0 else None, task_name


def _latest_data(workflow: BpmnWorkflow) -> dict:
    ready = [t for t in workflow.tasks.values() if t.state == TaskState.READY]
    source = ready[0] if ready else workflow.last_task
    return source.data if source is not None else workflow.data


def _record_outcome_facets(case: Case, data: dict) -> None:
    """Copy the reportable outcome of the case data onto the case row (screening, sanctions, publication)."""
    channels = given if isinstance(given := data.get("channels"), list) else []
    case.screening = _short_text(data.get("screening"), 16)
    case.violation = data.get("violation") if isinstance(data.get("violation"), bool) else None
    case.party_sanction = _short_text(data.get("party_sanction"), 32)
    case.state_sanction = _short_text(data.get("state_sanction"), 32)
    case.published_writing, case.published_media = "writing" in channels, "media" in channels
    case.published_portal = "portal" in channels


@contextmanager
def refuse_stale_writes(what: str) -> Iterator[None]:
    """Turn a lost race on the audit chain's (case, seq) key into a clear Conflict."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(f"{what} was changed by someone else while you worked on it; reload and retry") from exc


class CaseRuntime:
    """Loads, advances and saves cases within the caller's session (one action = one transaction)."""

    def __init__(self, session: Session, services: EngineServices) -> None:
        self.session = session
        self.services = services
        self.store = CaseStore(session)
        self._pending_events: dict[int, list[dict]] = {}
        self._saved_data: dict[int, tuple[str, dict]] = {}  # case id → (the state saved, its data then)

    # ---- actions -----------------------------------------------------------------------------------------

    def start_case(self, actor: Actor, *, process_key: str, data: dict, unit_id: int | None = None) -> Case:
        """Register a new case of ``process_key`` with its intake data.

        Refused (``Forbidden``) unless the process's ``startableBy`` roles include one of the actor's.
        """
        require(can_register_case, actor)
        definition = self._latest_definition(process_key)
        require(can_start_process, actor, definition)
        self._validate_intake(definition, data)
        unit_id = unit_id if unit_id is not None else min(actor.unit_ids, default=None)
        if unit_id is None:
            raise Forbidden(f"User '{actor.username}' belongs to no unit and cannot register cases")
        require(can_register_case, actor, unit_id)
        if self.session.get(Unit, unit_id) is None:
            raise Forbidden(f"User '{actor.username}' cannot register cases for unit {unit_id}")
        return self._start(definition, unit_id=unit_id, started_by=actor.username, data=data)

    def start_public_case(self, process_key: str, data: dict, unit_id: int, started_by: str = PUBLIC_FILER) -> Case:
        """Register a case filed by a citizen on the public portal (no staff actor): validate the start form."""
        definition = self._latest_definition(process_key)
        self._validate_intake(definition, data)
        if self.session.get(Unit, unit_id) is None:
            raise NotFound(f"Unit {unit_id} does not exist")
        return self._start(definition, unit_id=unit_id, started_by=started_by, data=data)

    def _latest_definition(self, process_key: str) -> ProcessDefinition:
        """The newest version of a process, or NotFound."""
        definition = latest_definition(self.session, process_key)
        if definition is None:
            raise NotFound(f"Process '{process_key}' is not deployed")
        return definition

    def _validate_intake(self, definition: ProcessDefinition, data: dict) -> None:
        """Check the intake data against the process's start form (when it has one)."""
        start_form = definition.catalog.get("start_form")
        if start_form:
            self.services.forms.validate(start_form, data)

    def start_scheduled_case(self, definition: ProcessDefinition, *, unit_id: int) -> Case:
        """Start a process whose start event is a timer (e.g. the periodic report), on behalf of the system."""
        return self._start(definition, unit_id=unit_id, started_by="system", data={})

    def start_follow_up_case(self, origin: Case, *, process_key: str, data: dict, unit_id: int | None = None) -> Case:
        """Start a case that continues ``origin`` (in its unit, or ``unit_id`` when it is handed to another unit;
        started by the system) and shares its identity.

        ``data`` is case data already without identities; the origin's sealed identity row is copied as is.
        """
        definition = self._latest_definition(process_key)
        unit = origin.unit_id if unit_id is None else unit_id
        return self._start(definition, unit_id=unit, started_by="system", data=data, identity_from=origin)

    def pending_events(self, case_id: int) -> list[dict]:
        """Audit events that service operators queue for a case; written with the case's next save."""
        return self._pending_events.setdefault(case_id, [])

    def _start(
        self,
        definition: ProcessDefinition,
        *,
        unit_id: int,
        started_by: str,
        data: dict,
        identity_from: Case | None = None,
    ) -> Case:
        now = self.services.clock.now()
        if identity_from is None:
            case_data, identity = split_identity(data) if data else ({}, None)
        else:
            case_data, identity = dict(data), None
        process = self.services.specs.add(definition)
        workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=self.services.script_engine())
        remote = self.session.scalar(select(Unit.remote_area).where(Unit.id == unit_id))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(case_data)
            task.data["remote_area"] = bool(remote)  # the law's longer periods in remote areas (units.remote_area)
        year = now.astimezone(self.services.calendar.zone).year
        case = Case(
            tracking_code=next_tracking_code(self.session, process_key=definition.key, year=year),
            process_key=definition.key,
            definition_id=definition.id,
            process_version=definition.version,
            unit_id=unit_id,
            status=CaseStatus.IN_PROGRESS,
            title=str(case_data.get("title", "") or definition.name)[:512],
            source=_short_text(case_data.get("source") or case_data.get("channel"), 32),
            field=_short_text(case_data.get("field"), 32),
            subject_name=_short_text(_subject_name(case_data), 255),
            state="{}",
            version=1,
            created_by=started_by,
            created_at=now,
            updated_at=now,
            audit_seq=0,
            audit_head="0" * 64,
            published_writing=False,
            published_media=False,
            published_portal=False,
            matter_id=case_data.get("matter_id") if isinstance(case_data.get("matter_id"), int) else None,
        )
        self.store.insert_case(case)
        workflow.script_engine = self._script_engine(case)
        if identity:
            self.services.identities.seal(self.session, case, identity, now)
        copied = identity_from is not None and copy_identity(self.session, source=identity_from, target=case, at=now)
        trail = AuditTrail(self.session, case)
        payload = {"process": definition.key, "version": definition.version, "data": case_data}
        payload["identity_protected"] = bool(identity) or copied
        if identity_from is not None:
            payload["opened_from"] = identity_from.tracking_code
        trail.append(kind="case_started", actor=started_by, at=now, payload=payload)
        self._advance_and_save(case, workflow, IndexSnapshot(), trail, now)
        return case

    def claim_task(self, actor: Actor, task_id: str) -> HumanTask:
        """Take a group task into one's own inbox.

        A person who is away may still claim: they chose to work, so the task stays with them (no delegation).
        """
        require(can_claim_task, actor)
        task, case = self._visible_task(actor, task_id)
        self._require_ready(task, case)
        require(can_claim_task, actor, task)
        if task.assignee and task.assignee != actor.username:
            raise Conflict(f"Task '{task.name}' of case {case.tracking_code} is already assigned to {task.assignee}")
        now = self.services.clock.now()
        task.assignee = actor.username
        trail = AuditTrail(self.session, case)
        trail.append(
            kind="task_claimed", actor=actor.username, at=now, task_id=task.id, payload={"task": task.spec_name}
        )
        self.store.set_task_assignee(task)
        self._touch(case, trail, now)
        return task

    def unclaim_task(self, actor: Actor, task_id: str) -> HumanTask:
        """Give a claimed task back to its group ("trả lại"): the task has no assignee again.

        Only the assignee, or an assigner (team lead, supervisor) of the task's unit, may. Tasks whose person comes
        from a process variable (``assigneeVariable``, e.g. the verifying officer who also concludes) are refused:
        the process names that person, so they are reassigned (``assign_task``), never left without one.
        A task nobody holds is returned as it is (giving it back twice is harmless).
        """
        require(can_unclaim_task, actor)
        task, case = self._visible_task(actor, task_id)
        self._require_ready(task, case)
        require(can_unclaim_task, actor, task)
        if not task.assignee:
            return task  # already with the group: nothing to give back, nothing recorded
        if self._process(case).catalog.get("assignees", {}).get(task.spec_name):
            raise Conflict(
                f"Task '{task.name}' of case {case.tracking_code} is assigned by the process to a named person; "
                "it cannot be given back to the group, only reassigned"
            )
        now = self.services.clock.now()
        previous, task.assignee = task.assignee, None
        trail = AuditTrail(self.session, case)
        payload = {"task": task.spec_name, "from": previous}
        trail.append(kind="task_unclaimed", actor=actor.username, at=now, task_id=task.id, payload=payload)
        self.store.set_task_assignee(task)
        self._touch(case, trail, now)
        return task

    def assign_task(self, actor: Actor, task_id: str, username: str) -> HumanTask:
        """A team lead or supervisor gives a task to a named person of the right role and unit.

        When that person is away (an absence, engine/people/absences.py) and their deputy may take the task, the
        deputy gets it: the chain records ``task_assigned`` to the person, then ``task_delegated`` to the deputy.
        """
        require(can_assign_task, actor)
        task, case = self._visible_task(actor, task_id)
        self._require_ready(task, case)
        require(can_assign_task, actor, task)
        if find_user(self.session, username) is None:
            raise NotFound(f"User '{username}' does not exist")
        check_candidate(self.session, field="username", username=username, role=task.lane, unit_id=case.unit_id)
        now = self.services.clock.now()
        previous, task.assignee = task.assignee, username
        trail = AuditTrail(self.session, case)
        payload: dict = {"task": task.spec_name, "from": previous, "to": username}
        trail.append(kind="task_assigned", actor=actor.username, at=now, task_id=task.id, payload=payload)
        delegation = self._delegation(username, task.lane, case.unit_id, now)
        if delegation is not None:  # the person is away: their deputy takes it, and the chain says why
            task.assignee = delegation.deputy
            payload = {"task": task.spec_name, "from": username, "to": delegation.deputy,
                       "absence": delegation.absence_id}  # fmt: skip
            trail.append(kind="task_delegated", actor="system", at=now, task_id=task.id, payload=payload)
        self.store.set_task_assignee(task)
        self._name_new_assignee_in_data(case, task, task.assignee)
        self._touch(case, trail, now)
        if task.assignee != actor.username:  # the person who now holds it: the deputy when the named one is away
            assigned = TaskAssigned(self.session, self.services, case, task, assigned_by=actor.username, now=now)
            HOOKS.task_assigned(assigned)  # the new assignee's notification: in this transaction
        return task

    def hand_task_over(self, task_id: str, *, to: str, by: str, payload: dict) -> HumanTask:
        """Give an open task to ``to`` on behalf of an absence (``task_handed_over``, by ``by``, with ``payload``).

        The caller (``engine/cases/delegation.py``) has asked the policy and checked that ``to`` may take it.
        """
        found = self.store.task_with_case(task_id)
        if found is None:
            raise NotFound(f"Task {task_id} does not exist")
        task, case = found
        self._require_ready(task, case)
        now = self.services.clock.now()
        previous, task.assignee = task.assignee, to
        trail = AuditTrail(self.session, case)
        payload = {"task": task.spec_name, "from": previous, "to": to, **payload}
        trail.append(kind="task_handed_over", actor=by, at=now, task_id=task.id, payload=payload)
        self.store.set_task_assignee(task)
        self._name_new_assignee_in_data(case, task, to)
        self._touch(case, trail, now)
        return task  # the deputy gets one notification for the whole hand-over, not one per task

    def _name_new_assignee_in_data(self, case: Case, task: HumanTask, username: str) -> None:
        """When the task takes its person from a variable (``assigneeVariable``), the variable follows the task.

        Later steps read the same variable (the verifying officer also concludes), so a reassigned verification
        must hand the conclusion to the new officer too.
        """
        variable = self._process(case).catalog.get("assignees", {}).get(task.spec_name)
        if not variable:
            return
        workflow = self._load_workflow(case)
        spiff_task = workflow.get_task_from_id(UUID(task.id))
        if spiff_task is None or spiff_task.data.get(variable) == username:
            return
        spiff_task.data[variable] = username
        case.state = self.services.states.dumps(workflow)

    def complete_task(self, actor: Actor, task_id: str, data: dict) -> Case:
        """Submit a task's form: validate, complete in the workflow, advance, and save."""
        require(can_complete_task, actor)
        task, case = self._visible_task(actor, task_id)
        self._require_ready(task, case)
        require(can_complete_task, actor, task)
        return self._submit(task, case, data, username=actor.username, actor=actor)

    def complete_task_for_system(self, task_id: str, data: dict, *, by: str) -> Case:
        """Complete a task with data that arrived without a person (e.g. the result of a transferred petition):
        validated and hooked like any submission, audited as ``by``; no person's policy applies."""
        found = self.store.task_with_case(task_id)
        if found is None:
            raise NotFound(f"Task {task_id} does not exist")
        task, case = found
        self._require_ready(task, case)
        return self._submit(task, case, data, username=by, actor=None)

    def _submit(self, task: HumanTask, case: Case, data: dict, *, username: str, actor: Actor | None) -> Case:
        if task.form:
            self.services.forms.validate(task.form, data)
        submission = TaskSubmission(
            session=self.session, case=case, task=task, data=data, actor=actor, services=self.services,
            now=self.services.clock.now(), zone=self.services.calendar.zone,
        )  # fmt: skip
        HOOKS.task_submitted(submission)
        check_assignee_fields(self.session, self._process(case).catalog, data, case.unit_id)
        if task.form:
            check_person_fields(self.session, self.services.forms.schema(task.form), data, case.unit_id)
        now = self.services.clock.now()
        workflow = self._load_workflow(case)
        before = snapshot(workflow)
        spiff_task = workflow.get_task_from_id(UUID(task.id))
        if spiff_task is None or spiff_task.state != TaskState.READY:
            raise Conflict(f"Task '{task.name}' of case {case.tracking_code} is no longer ready")
        data_before = dict(spiff_task.data)
        spiff_task.data.update(data)
        try:
            spiff_task.run()
        except SpiffWorkflowException as exc:
            raise Conflict(f"Task '{task.name}' could not be completed: {str(exc).splitlines()[0]}") from exc
        task.state, task.completed_at, task.completed_by = TaskStatus.COMPLETED, now, username
        task.assignee = task.assignee or username
        self.store.close_task(task)
        trail = AuditTrail(self.session, case)
        payload = {"task": task.spec_name, "data_diff": _data_diff(data_before, data)}
        trail.append(kind="task_completed", actor=username, at=now, task_id=task.id, payload=payload)
        self._advance_and_save(case, workflow, before, trail, now, closed_by_action=frozenset({task.id}))
        return case

    def fire_timer(self, timer: CaseTimer, case: Case | None = None) -> Case | None:
        """Fire one due timer of a case. Returns None when the timer is no longer waiting.

        Pass the timer's ``case`` when it was read with the timer (``CaseStore.waiting_timer_with_case``).
        """
        case = case if case is not None and case.id == timer.case_id else self.store.case(timer.case_id)
        if timer.status != TimerStatus.WAITING or case is None or case.status == CaseStatus.SUSPENDED:
            return None  # a suspended case's timers wait for its resumption
        now = self.services.clock.now()
        workflow = self._load_workflow(case)
        before = snapshot(workflow)
        case_before = CaseBefore(title=case.title, unit_id=case.unit_id, data=copy.deepcopy(_latest_data(workflow)))
        spiff_task = workflow.get_task_from_id(UUID(timer.id))
        if spiff_task is None or spiff_task.state != TaskState.WAITING:
            self.session.execute(update(CaseTimer).where(CaseTimer.id == timer.id).values(status=TimerStatus.CANCELLED))
            return None
        spiff_task._set_internal_data(event_fired=True)
        trail = AuditTrail(self.session, case)
        payload = {"timer": timer.spec_name, "role": timer.role, "due": timer.fire_at.isoformat()}
        trail.append(kind="timer_fired", actor="system", at=now, task_id=timer.id, payload=payload)
        changes = IndexChanges()
        changes.update_timer(timer.id, status=TimerStatus.FIRED, fired_at=now)
        self._mark_attached_task(timer, changes, trail, now)
        workflow.refresh_timers()
        self._advance_and_save(
            case, workflow, before, trail, now, closed_by_action=frozenset({timer.id}), changes=changes,
            timer_role=timer.role, case_before=case_before,
        )  # fmt: skip
        return case

    def current_data(self, case: Case) -> dict:
        """The case's data as the workflow holds it now (the reporter's identity is never in it).

        Right after this runtime saved the case, that is the data it saved (no second load of the state).
        """
        saved = self._saved_data.get(case.id)
        if saved is not None and saved[0] is case.state:
            return dict(saved[1])
        return dict(_latest_data(self._load_workflow(case)))

    def steps_taken(self, case: Case) -> tuple[set[str], set[str]]:
        """BPMN ids of the steps completed so far and of the steps open now (for highlighting the diagram)."""
        workflow = self._load_workflow(case)
        completed = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id}
        current = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id}
        return completed - current, current

    # ---- loading, advancing, saving -----------------------------------------------------------------------

    def _process(self, case: Case) -> DeployedProcess:
        return self.services.specs.get(self.session, case.definition_id)

    def _script_engine(self, case: Case):
        """The script engine of one case; operators that write to the database act in this transaction."""
        return self.services.script_engine(OperatorContext(runtime=self, case=case))

    def _load_workflow(self, case: Case) -> BpmnWorkflow:
        process = self._process(case)
        return self.services.states.loads(case.state, process.spec, process.subprocess_specs, self._script_engine(case))

    def _advance_and_save(
        self,
        case: Case,
        workflow: BpmnWorkflow,
        before: IndexSnapshot,
        trail: AuditTrail,
        now: datetime,
        *,
        closed_by_action: frozenset[str] = frozenset(),
        changes: IndexChanges | None = None,
        timer_role: str | None = None,
        case_before: CaseBefore | None = None,
    ) -> None:
        """Run engine steps (a script error puts the case into ``error``, keeping all data), sync, save."""
        status_before = case.status
        try:
            workflow.do_engine_steps()
        except SpiffWorkflowException as exc:
            self._write_pending_events(case, trail, now)
            message, line, task_name = _error_details(exc)
            case.status = CaseStatus.ERROR
            case.error_message, case.error_line, case.error_task = message, line, task_name
            payload = {"task": task_name, "message": message, "line": line}
            trail.append(kind="case_error", actor="system", at=now, payload=payload)
        else:
            self._write_pending_events(case, trail, now)
            if case.status == CaseStatus.ERROR:
                case.error_message = case.error_line = case.error_task = None
            case.status = CaseStatus.COMPLETED if workflow.is_completed() else CaseStatus.IN_PROGRESS
        sync = IndexSync(
            case=case,
            catalog=self._process(case).catalog,
            trail=trail,
            now=now,
            find_assignee=self._assignee_username,
            closed_by_action=closed_by_action,
            delegate=lambda username, lane: self._delegation(username, lane, case.unit_id, now),
            calendar=self.services.calendar,
        )
        index_changes = sync.changes(workflow, before)
        if changes is not None:
            for task_id, values in changes.task_updates.items():
                index_changes.update_task(task_id, **values)
            for timer_id, values in changes.timer_updates.items():
                index_changes.update_timer(timer_id, **values)
        data = _latest_data(workflow)
        _record_outcome_facets(case, data)
        completed_now = case.status == CaseStatus.COMPLETED and case.completed_at is None
        if completed_now:
            case.completed_at = now
            trail.append(kind="case_completed", actor="system", at=now, payload={})
        prune_superseded(workflow)  # a long case's earlier loop rounds: its stored state stays bounded
        case.state = self.services.states.dumps(workflow)
        self._saved_data[case.id] = (case.state, dict(data))
        case.updated_at = now
        self.store.apply(index_changes)
        self._write(case, trail)
        saved = CaseSaved(
            session=self.session, services=self.services, case=case, workflow=workflow, data=data, now=now,
            status_before=status_before, opened_tasks=bool(index_changes.new_tasks), completed_now=completed_now,
            new_tasks=tuple(index_changes.new_tasks), timer_role=timer_role, before=case_before,
        )  # fmt: skip
        HOOKS.case_saved(saved)  # publication, subscribers, statistics: in this transaction

    def _write_pending_events(self, case: Case, trail: AuditTrail, now: datetime) -> None:
        for event in self._pending_events.pop(case.id, []):
            trail.append(kind=event["kind"], actor="system", at=now, payload=event["payload"])

    def _write(self, case: Case, trail: AuditTrail) -> None:
        self.store.save_case(case)
        with refuse_stale_writes(f"Case {case.tracking_code}"):
            trail.write()

    def _touch(self, case: Case, trail: AuditTrail, now: datetime) -> None:
        case.updated_at = now
        self._write(case, trail)

    def _delegation(self, username: str, lane: str | None, unit_id: int, now: datetime) -> Delegation | None:
        """The deputy who takes a task meant for ``username`` while they are away (see engine/people/absences)."""
        zone = self.services.calendar.zone
        return delegation_for(self.session, username, role=lane, unit_id=unit_id, at=now, zone=zone)

    def _assignee_username(self, username: str) -> str | None:
        user = find_user(self.session, username)
        return user.username if user is not None else None

    def _mark_attached_task(self, timer: CaseTimer, changes: IndexChanges, trail: AuditTrail, now: datetime) -> None:
        attached = self.store.task(timer.attached_task_id) if timer.attached_task_id else None
        if attached is None or attached.state != TaskStatus.READY:
            return
        if timer.role == "reminder":
            changes.update_task(attached.id, reminded_at=now)
            payload = {"task": attached.spec_name, "to": attached.assignee or attached.lane}
            trail.append(kind="reminder_sent", actor="system", at=now, task_id=attached.id, payload=payload)
        elif timer.role == "escalation":
            changes.update_task(attached.id, escalated=True)
            payload = {"task": attached.spec_name, "to": Role.SUPERVISOR}
            trail.append(kind="escalated", actor="system", at=now, task_id=attached.id, payload=payload)

    # ---- checks ------------------------------------------------------------------------------------------

    def _visible_task(self, actor: Actor, task_id: str) -> tuple[HumanTask, Case]:
        found = self.store.task_with_case(task_id)
        if found is None or not actor.sees_unit(found[0].unit_id):
            raise NotFound(f"Task {task_id} does not exist or is not in your units")
        return found

    def _require_ready(self, task: HumanTask, case: Case) -> None:
        if task.state == TaskStatus.COMPLETED:
            when = task.completed_at.isoformat(timespec="minutes") if task.completed_at else "?"
            who = f"by {task.completed_by} at {when}"
            raise Conflict(f"Task '{task.name}' of case {case.tracking_code} was already completed {who}")
        if task.state != TaskStatus.READY:
            raise Conflict(f"Task '{task.name}' of case {case.tracking_code} is no longer open ({task.state})")
        if case.status == CaseStatus.SUSPENDED:
            raise CaseSuspended(f"Case {case.tracking_code} is suspended; resume it before completing its tasks")
        if case.status == CaseStatus.ERROR:
            raise Conflict(
                f"Case {case.tracking_code} is stopped by an error in '{case.error_task}': {case.error_message}"
            )
