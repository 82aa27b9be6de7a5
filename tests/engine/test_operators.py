"""The registry of BPMN service operators, the case observers the domains register, and what the runtime imports."""

import ast
from pathlib import Path

import pytest
from lxml import etree

import engine.services  # noqa: F401  (the one place that imports every domain's operators and observers)
from engine.cases.hooks import HOOKS
from engine.core.settings import PROJECT_ROOT
from engine.processes.bpmn_xml import SPIFF_NS
from engine.processes.operators import (
    OPERATORS,
    OperatorContext,
    OperatorNeedsCase,
    OperatorRegistry,
    UnknownOperator,
)

FEATURE_PACKAGES = ("engine.petitions", "engine.portal", "engine.reports")
DOMAIN_OPERATORS = {
    "engine.petitions": {
        "open_matter",
        "join_matter",
        "record_guidance",
        "open_follow_up_case",
        "start_second_instance",
    },
    "engine.reports": {"record_case_statistics", "produce_periodic_reports"},
}


def _imported_modules(source: Path) -> set[str]:
    """Every module a Python file imports, at the top or inside functions (relative imports resolved to engine.*)."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found.add(base if node.level == 0 else f"engine.cases.{base}")
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_the_runtime_imports_no_feature_package():
    imported = _imported_modules(PROJECT_ROOT / "engine" / "cases" / "runtime.py")
    assert any(name.startswith("engine.") for name in imported)  # the walk does see the engine imports
    features = sorted(name for name in imported if name.startswith(FEATURE_PACKAGES))
    assert features == []


def test_an_unknown_operator_is_a_clear_error_naming_the_registered_ones():
    registry = OperatorRegistry()
    registry.register("double", lambda _context, data, _params: data["n"] * 2, needs_case=False)
    with pytest.raises(UnknownOperator) as raised:
        registry.get("tripple")
    assert str(raised.value) == "unknown service operator 'tripple'; registered operators: double"
    with pytest.raises(UnknownOperator, match="unknown service operator 'tripple'"):
        registry.bind(None).call("tripple", {"n": 2}, {})
    assert registry.bind(None).call("double", {"n": 2}, {}) == 4


def test_a_name_is_registered_once_and_case_operators_need_a_case():
    registry = OperatorRegistry()

    def first(context, data, params):
        return context.case

    registry.register("act", first)
    with pytest.raises(ValueError, match="'act' is already registered by .*first"):
        registry.register("act", lambda _context, _data, _params: None)
    with pytest.raises(OperatorNeedsCase, match="'act' acts on a case"):
        registry.bind(None).call("act", {}, {})
    context = OperatorContext(runtime=None, case="PA-2026-00001")
    assert registry.bind(context).call("act", {}, {}) == "PA-2026-00001"


@pytest.mark.parametrize("package", sorted(DOMAIN_OPERATORS))
def test_each_domain_registers_its_own_operators(package):
    registered = {name for name in OPERATORS.names() if OPERATORS.get(name).function.__module__.startswith(package)}
    assert registered == DOMAIN_OPERATORS[package]


def test_every_operator_the_shipped_processes_call_is_registered():
    called = set()
    for bpmn in sorted((PROJECT_ROOT / "processes").glob("*.bpmn")):
        tree = etree.parse(str(bpmn))
        called |= {e.get("id") for e in tree.iter(f"{{{SPIFF_NS}}}serviceTaskOperator")}
    assert called == set(OPERATORS.names())


def test_the_statistics_operator_is_a_pure_function_of_the_data():
    operators = OPERATORS.bind(None)
    assert operators.call("record_case_statistics", {"field": "land", "title": "not reported"}, {}) == {"field": "land"}


def test_the_domains_observe_case_actions():
    def owners(observers) -> set[str]:
        return {observer.__module__ for observer in observers}

    assert owners(HOOKS.task_observers) == {
        "engine.petitions.hooks", "engine.documents.hooks", "engine.cases.lifecycle_hooks",
    }  # fmt: skip
    assert owners(HOOKS.save_observers) == {
        "engine.followups.hooks",
        "engine.portal.hooks",
        "engine.reports.hooks",
        "engine.notifications.hooks",
        "engine.search.hooks",
        "engine.federation.hooks",
    }
