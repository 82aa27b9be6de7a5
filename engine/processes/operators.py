"""The registry of BPMN service operators: the names a service task's ``spiffworkflow:serviceTaskOperator`` may call.

Each domain registers its own operators in its own package (``engine/petitions/operators.py``,
``engine/reports/operators.py``...) with ``register_operator``; ``engine/services.py`` imports those modules once,
so the runtime, the scheduler, the CLI, the lint and the tests all see the same operators.

An operator is called as ``operator(context, data, params)``: ``context`` names the runtime acting on the case
(its session and services) and the case; ``data`` is a copy of the task's data and ``params`` the service task's
parameters. What it returns becomes the task's result variable, so it must be JSON-serialisable.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from engine.cases.runtime import CaseRuntime
    from engine.core.models import Case
    from engine.services import EngineServices


@dataclass(frozen=True)
class OperatorContext:
    """What an operator may act on: the runtime of the current action (one transaction) and its case."""

    runtime: "CaseRuntime"
    case: "Case"

    @property
    def session(self) -> "Session":
        """The session of the action: an operator's writes commit or roll back with the case."""
        return self.runtime.session

    @property
    def services(self) -> "EngineServices":
        """Clock, calendar, forms and the rest of the engine's collaborators."""
        return self.runtime.services


# The context is an OperatorContext; operators registered with needs_case=False may also be called with None.
OperatorFunction = Callable[[Any, dict, dict], Any]


class UnknownOperator(LookupError):
    """A service task names an operator that no domain registered."""

    def __init__(self, name: str | None, known: list[str]) -> None:
        super().__init__(f"unknown service operator '{name}'; registered operators: {', '.join(known) or '(none)'}")
        self.name = name


class OperatorNeedsCase(RuntimeError):
    """An operator that acts on a case was called by a script engine that is not bound to one."""

    def __init__(self, name: str) -> None:
        super().__init__(f"service operator '{name}' acts on a case and cannot run outside one")
        self.name = name


@dataclass(frozen=True)
class Operator:
    """One registered operator; ``needs_case`` is False for pure functions of the task data."""

    name: str
    function: OperatorFunction
    needs_case: bool = True


class OperatorRegistry:
    """Operators by name. Registering a second, different function under a taken name is refused."""

    def __init__(self) -> None:
        self._operators: dict[str, Operator] = {}

    def register(self, name: str, function: OperatorFunction, *, needs_case: bool = True) -> OperatorFunction:
        """Add ``function`` as the operator ``name``; returns the function (so it also works as a decorator)."""
        existing = self._operators.get(name)
        if existing is not None and _qualified_name(existing.function) != _qualified_name(function):
            raise ValueError(f"service operator '{name}' is already registered by {_qualified_name(existing.function)}")
        self._operators[name] = Operator(name=name, function=function, needs_case=needs_case)
        return function

    def get(self, name: str | None) -> Operator:
        """The operator ``name``; ``UnknownOperator`` names the registered ones when there is none."""
        operator = self._operators.get(name) if name is not None else None
        if operator is None:
            raise UnknownOperator(name, self.names())
        return operator

    def names(self) -> list[str]:
        """The registered operator names, sorted."""
        return sorted(self._operators)

    def __contains__(self, name: object) -> bool:
        return name in self._operators

    def bind(self, context: OperatorContext | None) -> "BoundOperators":
        """The operators as a script engine calls them: for one case, or for none (pure operators only)."""
        return BoundOperators(self, context)


@dataclass(frozen=True)
class BoundOperators:
    """The registry seen from one case: ``call(name, data, params)`` runs an operator with that case's context."""

    registry: OperatorRegistry
    context: OperatorContext | None

    def call(self, name: str | None, data: dict, params: dict) -> Any:
        """Run the operator ``name`` on a task's data and parameters."""
        operator = self.registry.get(name)
        if operator.needs_case and self.context is None:
            raise OperatorNeedsCase(operator.name)
        return operator.function(self.context, data, params)


def _qualified_name(function: Callable) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"


OPERATORS = OperatorRegistry()
"""The one registry of the engine's service operators."""


def register_operator(name: str, *, needs_case: bool = True) -> Callable[[OperatorFunction], OperatorFunction]:
    """Decorator: register a function ``(context, data, params)`` as the service operator ``name``."""

    def decorate(function: OperatorFunction) -> OperatorFunction:
        return OPERATORS.register(name, function, needs_case=needs_case)

    return decorate
