"""What a received message does: each domain registers a handler for the kinds it understands.

A handler runs in the transaction that stores the message, so a message is handled exactly once; a kind with no
handler yet is kept in the inbox (``handled_at`` empty) for a later version to handle.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.core.models import FederationInbox
from engine.federation.enums import MessageKind

if TYPE_CHECKING:
    from engine.services import EngineServices

MessageHandler = Callable[[Session, "EngineServices", FederationInbox, datetime], None]
_HANDLERS: dict[MessageKind, MessageHandler] = {}


def handles(kind: MessageKind) -> Callable[[MessageHandler], MessageHandler]:
    """Register the decorated function as the handler of ``kind``."""

    def register(handler: MessageHandler) -> MessageHandler:
        _HANDLERS[kind] = handler
        return handler

    return register


def handle_received(session: Session, services: "EngineServices", message: FederationInbox, now: datetime) -> None:
    """Run the handler of the message's kind, if one is registered, and mark the message handled."""
    handler = _HANDLERS.get(MessageKind(message.kind))
    if handler is not None:
        handler(session, services, message, now)
        message.handled_at = now
