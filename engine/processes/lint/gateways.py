"""Exclusive and inclusive gateways without a default flow: can every condition be false at once?

Each condition is read as a boolean formula over *atoms*. A comparison of a form field that has an ``enum`` (or
is a boolean) with constants is tied to that field's value; every other comparison is a free true/false atom,
where ``a < b`` and ``a >= b`` (and ``==`` / ``!=``) are recognised as one atom and its negation. The check tries
every combination; when one makes all conditions false, the gateway gets a warning that shows it. Treating the
other atoms as independent can only find more combinations, so "cannot all be false" is a proof.
"""

import ast
import itertools
import json
from collections.abc import Iterable

from lxml import etree

from engine.processes.bpmn_xml import element_properties
from engine.processes.forms import FormCatalog
from engine.processes.lint.model import Scope, local_name, xpath
from engine.processes.lint.problems import LintProblem, error, warning
from engine.processes.lint.tasks import FORM_PROPERTY

MAX_COMBINATIONS = 4096
_FLIP = {ast.Lt: (False, True), ast.GtE: (False, False), ast.Gt: (True, True), ast.LtE: (True, False)}


def field_domains(process: etree._Element, forms: FormCatalog) -> dict[str, list]:
    """Form field → the values it can take (its enum, or True/False), over every form the process names."""
    domains: dict[str, list] = {}
    for element in xpath(process, ".//*[@id]"):
        name = element_properties(element).get(FORM_PROPERTY)
        if not name or forms.problem_with(name):
            continue
        for field, schema in (forms.schema(name).get("properties") or {}).items():
            values = schema.get("enum") or ([True, False] if schema.get("type") == "boolean" else None)
            if isinstance(values, list):
                known = domains.setdefault(field, [])
                known.extend(v for v in values if v not in known)
    return domains


class _Formula:
    """A condition as nested tuples, with its free atoms and the fields it reads."""

    def __init__(self, source: str, domains: dict[str, list]) -> None:
        self.domains = domains
        self.atoms: set = set()
        self.fields: set[str] = set()
        self.tree = self._read(ast.parse(source.strip(), mode="eval").body)

    def _atom(self, key, polarity: bool = True):
        self.atoms.add(key)
        return ("atom", key, polarity)

    def _read(self, node: ast.AST):
        if isinstance(node, ast.BoolOp):
            return ("and" if isinstance(node.op, ast.And) else "or", [self._read(v) for v in node.values])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ("not", self._read(node.operand))
        if isinstance(node, ast.Constant):
            return ("const", bool(node.value))
        if isinstance(node, ast.Name) and node.id in self.domains:
            self.fields.add(node.id)
            return ("truthy", node.id)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            return self._compare(node.left, node.ops[0], node.comparators[0]) or self._atom(("expr", ast.unparse(node)))
        return self._atom(("expr", ast.unparse(node)))

    def _compare(self, left: ast.AST, op: ast.cmpop, right: ast.AST):
        if isinstance(right, ast.Name) and right.id in self.domains and isinstance(op, ast.Eq | ast.NotEq):
            left, right = right, left
        if isinstance(left, ast.Name) and left.id in self.domains:
            values = _constants(right, isinstance(op, ast.In | ast.NotIn))
            if values is not None and isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn):
                self.fields.add(left.id)
                return ("field", left.id, values, isinstance(op, ast.NotEq | ast.NotIn))
        a, b = ast.unparse(left), ast.unparse(right)
        if type(op) in _FLIP:
            swap, polarity = _FLIP[type(op)]
            return self._atom(("lt", b, a) if swap else ("lt", a, b), polarity)
        if isinstance(op, ast.Eq | ast.NotEq):
            return self._atom(("eq", *sorted((a, b))), isinstance(op, ast.Eq))
        return None

    def holds(self, world: dict) -> bool:
        """The truth of the condition in one combination of field values and atoms."""
        return _evaluate(self.tree, world)


def _constants(node: ast.AST, collection: bool) -> list | None:
    items = node.elts if collection and isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    constants = [i for i in items if isinstance(i, ast.Constant)]
    return [c.value for c in constants] if len(constants) == len(items) else None


def _evaluate(tree, world: dict) -> bool:
    kind = tree[0]
    if kind == "and":
        return all(_evaluate(t, world) for t in tree[1])
    if kind == "or":
        return any(_evaluate(t, world) for t in tree[1])
    if kind == "not":
        return not _evaluate(tree[1], world)
    if kind == "const":
        return tree[1]
    if kind == "truthy":
        return bool(world[tree[1]])
    if kind == "field":
        return (world[tree[1]] in tree[2]) != tree[3]
    return world[tree[1]] == tree[2]


def _worlds(fields: Iterable[str], atoms: Iterable, domains: dict[str, list]):
    fields, atoms = sorted(fields), sorted(atoms, key=repr)
    choices = [domains[f] for f in fields] + [[True, False]] * len(atoms)
    for values in itertools.product(*choices):
        yield dict(zip(fields + atoms, values, strict=True))


def _describe(world: dict) -> str:
    parts = []
    for key, value in world.items():
        if isinstance(key, str):
            parts.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        elif key[0] == "lt":
            parts.append(f"{key[1]} {'<' if value else '>='} {key[2]}")
        elif key[0] == "eq":
            parts.append(f"{key[1]} {'==' if value else '!='} {key[2]}")
        else:
            parts.append(f"({key[1]}) is {value}")
    return ", ".join(parts) or "always"


def gateway_problems(scope: Scope, domains: dict[str, list]) -> list[LintProblem]:
    """A warning for each exclusive or inclusive gateway whose conditions may all be false and has no default."""
    problems = []
    for gateway in scope.nodes.values():
        if local_name(gateway) not in ("exclusiveGateway", "inclusiveGateway") or gateway.get("default"):
            continue
        outgoing = scope.outgoing(gateway.get("id"))
        conditions = [xpath(f, "./bpmn:conditionExpression") for f in outgoing]
        if len(outgoing) < 2 or not all(conditions):
            continue  # one way out, or an unconditional flow: something always goes on
        try:
            formulas = [_Formula(c[0].text or "", domains) for c in conditions]
        except SyntaxError:
            continue  # the Python check reports the broken condition
        fields = set().union(*(f.fields for f in formulas))
        atoms = set().union(*(f.atoms for f in formulas))
        combinations = 2 ** len(atoms)
        for field in fields:
            combinations *= len(domains[field])
        if combinations > MAX_COMBINATIONS:
            witness = "the conditions are too many to check every case"
        else:
            world = next((w for w in _worlds(fields, atoms, domains) if not any(f.holds(w) for f in formulas)), None)
            if world is None:
                continue
            witness = f"e.g. when {_describe(world)}"
        problems.append(
            warning(
                "gateway-default",
                gateway,
                f"gateway '{gateway.get('id')}' has no default flow and its conditions may all be false "
                f"({witness}); the case would stop there with an error. Add a default flow",
            )
        )
    return problems


def unconditioned_flow_problems(scope: Scope) -> list[LintProblem]:
    """An error for each flow that leaves a splitting exclusive or inclusive gateway with no condition and is not
    its default: SpiffWorkflow refuses it ("Non-default exclusive outgoing sequence flow without condition")."""
    problems = []
    for gateway in scope.nodes.values():
        if local_name(gateway) not in ("exclusiveGateway", "inclusiveGateway"):
            continue
        outgoing = scope.outgoing(gateway.get("id"))
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            if flow.get("id") != gateway.get("default") and not xpath(flow, "./bpmn:conditionExpression"):
                problems.append(
                    error(
                        "gateway-condition",
                        flow,
                        f"flow '{flow.get('id')}' leaves gateway '{gateway.get('id')}' without a condition and is not "
                        "its default flow; give it a condition or make it the gateway's default",
                    )
                )
    return problems
