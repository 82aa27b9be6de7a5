"""Domain errors. Each carries a message a person can act on; each caller (web pages, REST API, CLI) decides how
to answer a class of error."""

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of all errors the domain raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """An id that names nothing the caller may see."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Conflict(DomainError):
    """The state changed under the caller (already completed, concurrent update)."""


class CaseSuspended(Conflict):
    """The case is suspended (tạm đình chỉ): its tasks wait until a decision resumes it."""


class BadRequest(DomainError):
    """The input itself is malformed."""


class PayloadTooLarge(BadRequest):
    """An upload larger than its limit."""


@dataclass
class FieldError:
    """One problem with one field of submitted form data."""

    field: str
    message: str


class InvalidFormData(DomainError):
    """Submitted data fails the task's JSON Schema."""

    def __init__(self, form: str, errors: list[FieldError]) -> None:
        fields = ", ".join(sorted({e.field for e in errors}))
        super().__init__(f"Dữ liệu biểu mẫu '{form}' không hợp lệ ở các trường: {fields}")
        self.form = form
        self.errors = errors


@dataclass
class DeploymentProblem:
    """One problem found in a BPMN file, tied to the element that has it."""

    element_id: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"element '{self.element_id}'" if self.element_id else "document"
        line = f" (line {self.line})" if self.line else ""
        return f"{where}{line}: {self.message}"


@dataclass
class DeploymentRejected(DomainError):
    """The BPMN file cannot be deployed; every problem found is listed (lint errors)."""

    filename: str
    problems: list = field(default_factory=list)

    def __post_init__(self) -> None:
        details = "; ".join(str(p) for p in self.problems)
        DomainError.__init__(self, f"Cannot deploy {self.filename}: {details}")


class DatabaseNotReady(DomainError):
    """The database is unreachable or has not been migrated."""
