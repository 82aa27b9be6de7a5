"""Service tasks must call an operator some domain registered (``engine/processes/operators.py``).

An unknown name would only fail when a case reaches the task, stopping that case in ``error``; the lint refuses
it at deployment instead, naming the operators that exist.
"""

from collections.abc import Collection

from lxml import etree

from engine.processes.bpmn_xml import SPIFF_NS
from engine.processes.lint.model import is_bpmn, local_name
from engine.processes.lint.problems import LintProblem, error
from engine.processes.operators import OPERATORS

CHECK = "service-operator"


def operator_problems(process: etree._Element, known: Collection[str] | None = None) -> list[LintProblem]:
    """One error per service task of ``process`` whose operator is not registered (``known`` defaults to all)."""
    names = set(OPERATORS.names() if known is None else known)
    problems = []
    for element in process.iter():
        if not is_bpmn(element) or local_name(element) != "serviceTask":
            continue
        for operator in element.iterfind(f".//{{{SPIFF_NS}}}serviceTaskOperator"):
            name = operator.get("id")
            if name in names:
                continue
            listed = ", ".join(sorted(names)) or "(none)"
            problems.append(
                error(
                    CHECK,
                    element,
                    f"serviceTask '{element.get('id')}' calls the service operator '{name}', which does not exist; "
                    f"registered operators: {listed}",
                    line=operator.sourceline,
                )
            )
    return problems
