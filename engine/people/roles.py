"""The roles a user can hold. Stored as plain strings; ``Role`` members compare equal to them."""

from enum import StrEnum


class Role(StrEnum):
    """A user's role. BPMN lanes name the role that may claim a task (``officer``, ``team_lead``, ``supervisor``)."""

    CITIZEN = "citizen"  # accepted by create_user; the public portal itself needs no account
    OFFICER = "officer"
    TEAM_LEAD = "team_lead"
    SUPERVISOR = "supervisor"
    CUSTODIAN = "custodian"  # keeps protected identities, city-wide
    DESIGNER = "designer"
    ADMIN = "admin"


ROLES: tuple[Role, ...] = tuple(Role)
