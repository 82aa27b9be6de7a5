"""The kinds of staff notification and how a person wants to receive them."""

from enum import StrEnum


class NotificationKind(StrEnum):
    """What a notification tells about."""

    NEW_TASK = "new_task"  # a task arrived in my inbox or my group's
    TASK_ASSIGNED = "task_assigned"  # a task was assigned to me by name
    REMINDER = "reminder"  # 80 % of a step's time has passed
    OVERDUE = "overdue"  # a step's deadline has passed
    ESCALATION = "escalation"  # an overdue step was escalated to me
    SENT_BACK = "sent_back"  # a case I worked on was sent back
    MENTION = "mention"  # somebody mentioned me in a comment
    DELEGATION = "delegation"  # tasks were handed over to me while their owner is away


class DeliveryMode(StrEnum):
    """How a person receives e-mail about their notifications (in-app notifications are always kept)."""

    IMMEDIATE = "immediate"  # one e-mail per notification, as it happens
    DIGEST = "digest"  # one e-mail a day, at the person's digest hour in their unit's time zone
    OFF = "off"  # no e-mail
