"""The one permissions policy: who may do what, on which case, task or unit.

The REST API, the web pages and the engine's use cases all ask these rules; none of them checks roles itself.
A rule has two parts:

* **the roles** that may ever do the action (officer, team lead, supervisor handle cases; the custodian reads
  protected identities; designers and admins work on processes). Missing them is a 403 that names the roles.
* **the scope** on a given target: the case, task, unit or matter must be in the units the actor sees
  (``Actor.sees_unit``), and task actions also look at the task's lane and assignee.

Callers that hide the existence of other units' cases (``visible_case``, ``visible_task``: 404) look the target
up after the role part and before the scope part; ``require`` raises ``Forbidden`` for both parts.

Use ``can_x(actor, target)`` for a yes/no (showing a button) and ``require(can_x, actor, target)`` to refuse.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.core.errors import Forbidden
from engine.people.auth import Actor
from engine.people.roles import Role
from engine.processes.starters import start_roles

CASE_HANDLERS = frozenset({Role.OFFICER, Role.TEAM_LEAD, Role.SUPERVISOR})
ASSIGNERS = frozenset({Role.TEAM_LEAD, Role.SUPERVISOR})
IDENTITY_READERS = frozenset({Role.SUPERVISOR, Role.CUSTODIAN})
REPORT_READERS = frozenset({Role.SUPERVISOR})
OVERVIEW_READERS = frozenset({Role.SUPERVISOR, Role.TEAM_LEAD})
DESIGNERS = frozenset({Role.DESIGNER, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
STAFF = frozenset(Role) - {Role.CITIZEN}

Scope = Callable[..., str | None]


@dataclass(frozen=True)
class Rule:
    """A named permission: the roles that may ``action`` at all, and an optional check of the target."""

    name: str
    action: str
    roles: frozenset[Role]
    scope: Scope | None = None
    refused: Callable[..., str] | None = None

    def refusal(self, actor: Actor, *target: Any) -> str | None:
        """Why the actor may not do this (to the target, when given), or None when allowed."""
        if not actor.has_role(*self.roles):
            if self.refused is not None:
                return self.refused(actor, *target)
            held = ", ".join(sorted(actor.roles)) or "no role"
            needed = ", ".join(sorted(self.roles))
            return f"User '{actor.username}' may not {self.action}: it needs one of the roles {needed} (has {held})"
        if target and target[0] is not None and self.scope is not None:
            reason = self.scope(actor, *target)
            if reason is not None and self.refused is not None:
                return self.refused(actor, *target)
            return None if reason is None else f"User '{actor.username}' may not {self.action}: {reason}"
        return None

    def __call__(self, actor: Actor, *target: Any) -> bool:
        """True when the actor may do this (to the target, when given)."""
        return self.refusal(actor, *target) is None


def require(rule: Rule, actor: Actor, *target: Any) -> None:
    """Raise ``Forbidden`` with a message naming who, what and the roles needed, unless ``rule`` allows it."""
    reason = rule.refusal(actor, *target)
    if reason is not None:
        raise Forbidden(reason)


# ---- scopes -------------------------------------------------------------------------------------------------


def _unit_of(target: Any) -> int:
    return target if isinstance(target, int) else target.unit_id


def _label(target: Any) -> str:
    if isinstance(target, int):
        return f"unit {target}"
    code = getattr(target, "tracking_code", None) or getattr(target, "name", None) or getattr(target, "id", "?")
    return f"{type(target).__name__.lower()} '{code}' of unit {target.unit_id}"


def _in_units(actor: Actor, target: Any, *_rest: Any) -> str | None:
    """The target (a unit id, or anything with a ``unit_id``) is in a unit the actor sees."""
    if actor.sees_unit(_unit_of(target)):
        return None
    return f"{_label(target)} is not one of their units or below them"


def _claimable(actor: Actor, task: Any) -> str | None:
    """A task of the actor's units whose lane (role) the actor holds."""
    if (outside := _in_units(actor, task)) is not None:
        return outside
    if task.lane and not actor.has_role(task.lane):
        return f"task '{task.name}' is for the role '{task.lane}'; {actor.username} does not have it"
    return None


def _completable(actor: Actor, task: Any) -> str | None:
    """A task assigned to the actor, or unassigned and of a lane the actor holds."""
    if (outside := _in_units(actor, task)) is not None:
        return outside
    if task.assignee and task.assignee != actor.username:
        return f"task '{task.name}' is assigned to {task.assignee}, not to {actor.username}"
    if not task.assignee and task.lane and not actor.has_role(task.lane):
        return f"task '{task.name}' is for the role '{task.lane}'; {actor.username} does not have it"
    return None


def _unclaimable(actor: Actor, task: Any) -> str | None:
    """A task of the actor's units claimed by the actor; team leads and supervisors may give back anyone's."""
    if (outside := _in_units(actor, task)) is not None:
        return outside
    if task.assignee and task.assignee != actor.username and not actor.has_role(*ASSIGNERS):
        return f"task '{task.name}' is assigned to {task.assignee}, not to {actor.username}"
    return None


def _identity_refused(actor: Actor, case: Any = None, *_rest: Any) -> str:
    which = f" của hồ sơ {case.tracking_code}" if case is not None else ""
    return (
        f"Danh tính được bảo vệ{which} chỉ người giải quyết (lãnh đạo đơn vị, vai trò supervisor) "
        f"và người lưu giữ danh tính (vai trò custodian) được xem; {actor.username} không có quyền này"
    )


# ---- cases and tasks -----------------------------------------------------------------------------------------

can_read_case = Rule("can_read_case", "read cases", CASE_HANDLERS, _in_units)
"""Case lists, case pages, history, chain verification, duplicate candidates: case handlers of the case's units."""

can_register_case = Rule("can_register_case", "register cases", CASE_HANDLERS, _in_units)
"""Registering a case for a unit (the target is the unit id)."""

can_comment_on_case = Rule("can_comment_on_case", "comment on cases", CASE_HANDLERS, _in_units)
"""Posting a comment (trao đổi) on a case, a reply or a file with it: case handlers of the case's units."""

can_read_task = Rule("can_read_task", "read tasks", CASE_HANDLERS, _in_units)
"""The inbox and task pages: case handlers of the task's units."""

can_claim_task = Rule("can_claim_task", "claim tasks", CASE_HANDLERS, _claimable)
"""Taking a group task: a case handler holding the task's lane role."""

can_complete_task = Rule("can_complete_task", "complete tasks", CASE_HANDLERS, _completable)
"""Submitting a task's form: its assignee, or anyone of its lane while it is unassigned."""

can_assign_task = Rule("can_assign_task", "assign tasks to someone", ASSIGNERS, _in_units)
"""Giving (reassigning) a task to a named person: team leads and supervisors of the task's units."""

can_unclaim_task = Rule("can_unclaim_task", "give tasks back to their group", CASE_HANDLERS, _unclaimable)
"""Giving a claimed task back to its group ("trả lại"): its assignee, or a team lead or supervisor of its unit."""


def _absence_scope(actor: Actor, person: Any, *_rest: Any) -> str | None:
    """The absent person is the actor, or a team lead or supervisor acts for someone of their units.

    The target is the absent user (anything with a ``username`` and ``units``) or an absence (its ``user``).
    """
    person = getattr(person, "user", person)
    if person.username == actor.username:
        return None
    if actor.has_role(*ASSIGNERS) and any(actor.sees_unit(unit.id) for unit in person.units):
        return None
    if actor.has_role(*ASSIGNERS):
        return f"{person.username} is not in one of their units or below them"
    return f"only {person.username} or a team lead or supervisor of their unit may"


can_manage_absence = Rule("can_manage_absence", "declare, cancel or hand over absences", CASE_HANDLERS,
                          _absence_scope)  # fmt: skip
"""An absence (vắng mặt) and its deputy: case handlers declare, cancel and hand over their own; team leads and
supervisors also those of the people of their units. Listing them needs the roles only."""

RECOVERERS = frozenset({Role.SUPERVISOR}) | DESIGNERS
can_recover_cases = Rule("can_recover_cases", "retry or cancel cases stopped by an error", RECOVERERS, _in_units)
"""Listing the cases stopped by an error, retrying them or cancelling them: the supervisors of the case's units,
and the designers and admins who fixed the process (scoped to their units as well)."""

can_transfer_case = Rule("can_transfer_case", "transfer petitions to another body", CASE_HANDLERS, _in_units)

can_read_matter = Rule("can_read_matter", "read matters", CASE_HANDLERS, _in_units)
"""A matter (petitions grouped as one) of the actor's units."""

# ---- protected identities and the reception desk -------------------------------------------------------------

can_read_identity = Rule("can_read_identity", "read protected identities", IDENTITY_READERS, _in_units,
                         refused=_identity_refused)  # fmt: skip
"""The case's resolver (a supervisor of its unit or above) or a custodian (city-wide); every read is audited.

The custodian reads identities only: no case or task pages."""


def _attachment_scope(actor: Actor, case: Any, attachment: Any) -> str | None:
    """An identity-bearing file follows ``can_read_identity``, any other file ``can_read_case``."""
    rule = can_read_identity if attachment.identity_bearing else can_read_case
    if rule(actor, case):
        return None
    kind = "an identity-bearing file" if attachment.identity_bearing else "a file of the case"
    return f"{kind} needs one of the roles {', '.join(sorted(rule.roles))} in the case's units ({rule.name})"


can_read_attachment = Rule("can_read_attachment", "download attachments", CASE_HANDLERS | IDENTITY_READERS,
                           _attachment_scope)  # fmt: skip
"""A case's file (target: case and attachment): identity-bearing ones for identity readers (audited), others for
those who may read the case. The custodian may therefore download only identity-bearing files."""


def require_attachment_reader(actor: Actor, case: Any, attachment: Any) -> None:
    """Raise ``Forbidden`` unless the actor may download the attachment of the case."""
    require(can_read_attachment, actor, case, attachment)


can_read_staff_directory = Rule("can_read_staff_directory", "list the staff of their units", ASSIGNERS | ADMINS)
"""Who works in the actor's units (to assign work, to manage accounts): team leads, supervisors, admins."""

can_read_unit_tree = Rule("can_read_unit_tree", "read the unit tree", STAFF)
"""The units the actor sees, as a tree: every staff role."""

can_receive_petitions = Rule("can_receive_petitions", "register petitions at the reception desk", CASE_HANDLERS)
"""The reception desk (tiếp công dân): case handlers."""

can_read_visits_register = Rule(
    "can_read_visits_register", "read the visits register", CASE_HANDLERS | {Role.CUSTODIAN}
)
"""Sổ tiếp công dân, identities redacted: case handlers and the custodian. Revealing needs ``can_read_identity``."""

# ---- reports -----------------------------------------------------------------------------------------------------

can_read_reports = Rule("can_read_reports", "read reports", REPORT_READERS, _in_units)
"""Periodic and SLA reports of a unit (the target: a unit id or a stored report): supervisors."""

can_view_overview = Rule("can_view_overview", "view the overview", OVERVIEW_READERS)
"""The overview of the actor's units: supervisors and team leads."""

# ---- processes ---------------------------------------------------------------------------------------------------

can_read_processes = Rule("can_read_processes", "read the deployed processes", STAFF)
"""The list of deployed processes and their intake forms: every staff member."""


def _startable(actor: Actor, definition: Any, *_rest: Any) -> str | None:
    """The process's ``startableBy`` roles include one of the actor's; ``system`` processes are for the system."""
    roles = start_roles(definition.catalog)
    if actor.has_role(*roles):
        return None
    if not roles:
        return f"process '{definition.key}' is started only by the system (startableBy: system)"
    held = ", ".join(sorted(actor.roles)) or "no role"
    return f"process '{definition.key}' may be started by the roles {', '.join(sorted(roles))} (has {held})"


can_start_process = Rule("can_start_process", "start this process", CASE_HANDLERS, _startable)
"""Starting a case of a deployed process (the target: its definition) by hand: the roles its ``startableBy``
property names (by default the case handlers); processes marked ``system`` only the system starts."""

can_design = Rule("can_design", "design processes", DESIGNERS)
"""The designer's pages, drafts, forms, lint, versions and diffs: designers and admins."""

can_deploy = Rule("can_deploy", "deploy processes", DESIGNERS)
"""Deploying a BPMN file as a new version: designers and admins."""

can_migrate_cases = Rule("can_migrate_cases", "migrate running cases to another version", DESIGNERS)
"""Dry runs and migration batches; the cases are limited to the actor's units by the migration itself."""


def _batch_in_units(actor: Actor, batch: Any, *_rest: Any) -> str | None:
    """A batch of a unit the actor sees; a batch of no unit (older ones, the command line's) is for admins only."""
    if batch.unit_id is None:
        if actor.has_role(*ADMINS):
            return None
        return f"migration batch {batch.id} belongs to no unit; only admins read such batches"
    if actor.sees_unit(batch.unit_id):
        return None
    return f"migration batch {batch.id} of unit {batch.unit_id} is not one of their units or below them"


can_read_migration_batch = Rule("can_read_migration_batch", "read migration batches", DESIGNERS, _batch_in_units)
"""A migration batch's progress: designers and admins of the unit of the designer who requested it (or above)."""

# ---- notifications -----------------------------------------------------------------------------------------------

can_read_own_notifications = Rule("can_read_own_notifications", "read their notifications", STAFF)
"""One's own notifications (the bell, the list, marking them read) and one's own delivery preferences: every
staff member. Nobody reads another person's notifications, so there is no target."""

# ---- administration ----------------------------------------------------------------------------------------------

can_administer = Rule("can_administer", "administer users and units", ADMINS)
"""Users and units: admins."""


SELF_EDITABLE_FIELDS = frozenset({"email", "notification_mode", "digest_hour"})
"""What a member of staff may change on their own account; everything else is for admins."""


def _own_account_or_admin(actor: Actor, username: str, fields: frozenset[str] = frozenset(), *_rest: Any) -> str | None:
    """Admins change any account; anyone else only their own e-mail and notification preferences."""
    if actor.has_role(*ADMINS):
        return None
    if username != actor.username:
        return f"only admins change another person's account ('{username}')"
    if others := sorted(fields - SELF_EDITABLE_FIELDS):
        return f"only admins change {', '.join(others)}; on their own account they may change " + ", ".join(
            sorted(SELF_EDITABLE_FIELDS)
        )
    return None


can_update_user = Rule("can_update_user", "change user accounts", STAFF, _own_account_or_admin)
"""Changing an account (the target: the username and the fields changed): admins any field of anyone; every member
of staff their own e-mail, notification mode and digest hour."""

# ---- official documents ---------------------------------------------------------------------------------------

can_read_documents = Rule("can_read_documents", "read the official documents of cases", CASE_HANDLERS, _in_units)
"""The documents a case issued (list and copies) for those who may read the case; the full copy of a document
naming a protected person also needs ``can_read_identity`` (audited), everyone else gets the redacted copy."""

can_draft_documents = Rule("can_draft_documents", "download and upload the drafts of a step's documents",
                           CASE_HANDLERS, _completable)  # fmt: skip
"""A step's document drafts belong to whoever may complete the step."""

can_read_registers = Rule("can_read_registers", "read the registers of outgoing documents", CASE_HANDLERS, _in_units)
"""A unit's registers of outgoing documents (sổ văn bản đi), for the units the actor sees (target: a unit id)."""

# ---- the legal lifecycle -------------------------------------------------------------------------------------------

DECIDERS = frozenset({Role.TEAM_LEAD, Role.SUPERVISOR})
can_decide_case_course = Rule("can_decide_case_course", "suspend, resume, terminate or record the withdrawal of cases",
                              DECIDERS, _in_units)  # fmt: skip
"""Suspension, resumption, termination and withdrawal of a case of their units: the leaders who sign the decision
(the laws give them to the person resolving the case, i.e. the head of the unit): team leads and supervisors."""

# ---- reception by leaders, case categories, 1374 reports under one matter --------------------------------------

can_plan_reception = Rule("can_plan_reception", "plan reception days", ASSIGNERS, _in_units)
"""Team leads and supervisors put their unit's leaders' reception days in the schedule."""

can_record_reception = Rule("can_record_reception", "record reception sessions", CASE_HANDLERS, _in_units)
"""Whoever handles cases records a session held in their units (visits, people, matters, groups)."""

can_read_reception = Rule("can_read_reception", "read the reception schedule and sessions", CASE_HANDLERS, _in_units)

can_read_reception_figures = Rule("can_read_reception_figures", "read reception figures", OVERVIEW_READERS, _in_units)

can_categorize_case = Rule("can_categorize_case", "mark cases as mass, complex or prolonged", ASSIGNERS, _in_units)

can_read_case_categories = Rule("can_read_case_categories", "read the mass, complex and prolonged cases",
                                OVERVIEW_READERS)  # fmt: skip

can_group_reports = Rule("can_group_reports", "group reports under one matter", CASE_HANDLERS, _in_units)
"""1374 reports about the same subject are grouped under one matter, as duplicate petitions are."""
