"""What the lint finds: problems tied to an element and a line, each an error (blocks deployment) or a warning."""

from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from engine.processes.lint.texts import code_of, element_label, in_vietnamese

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class LintProblem:
    """One problem of a BPMN file, at the element (and line) that has it."""

    severity: Severity
    check: str
    element_id: str | None
    line: int | None
    message: str
    element_name: str | None = None
    element_tag: str | None = None

    @property
    def code(self) -> str:
        """A stable code for the kind of problem (e.g. ``unreachable``), the same in every language."""
        return code_of(self.message)

    @property
    def message_vi(self) -> str:
        """The problem in Vietnamese, naming the element: «name» (id)."""
        return in_vietnamese(self.message, element_label(self.element_id, self.element_name, self.element_tag))

    def message_in(self, lang: str) -> str:
        """The problem in the page's language (``en`` or Vietnamese)."""
        return self.message if lang == "en" else self.message_vi

    def __str__(self) -> str:
        where = f"element '{self.element_id}'" if self.element_id else "document"
        line = f" (line {self.line})" if self.line else ""
        return f"{where}{line}: {self.message}"

    def as_dict(self) -> dict:
        """The problem as the REST API shows it."""
        return {
            "severity": self.severity,
            "check": self.check,
            "code": self.code,
            "element_id": self.element_id,
            "element_name": self.element_name,
            "line": self.line,
            "message": self.message,
            "message_vi": self.message_vi,
        }


def error(check: str, element, message: str, *, element_id: str | None = None, line: int | None = None):
    """An error at an lxml element (or at an explicit id and line)."""
    return _at("error", check, element, message, element_id, line)


def warning(check: str, element, message: str, *, element_id: str | None = None, line: int | None = None):
    """A warning at an lxml element (or at an explicit id and line)."""
    return _at("warning", check, element, message, element_id, line)


def _at(severity: Severity, check: str, element, message: str, element_id: str | None, line: int | None):
    name = tag = None
    if element is not None:
        element_id = element_id or element.get("id")
        line = line or element.sourceline
        name, tag = element.get("name"), etree.QName(element).localname
    return LintProblem(severity, check, element_id, line, message, name, tag)


@dataclass
class LintReport:
    """Every problem found in one file, and the executable process it holds (when one was found)."""

    filename: str
    problems: list[LintProblem] = field(default_factory=list)
    process_key: str | None = None

    @property
    def errors(self) -> list[LintProblem]:
        """Problems that refuse deployment."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[LintProblem]:
        """Problems worth a look that do not block deployment."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when nothing blocks deployment."""
        return not self.errors
