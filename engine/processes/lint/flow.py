"""Checks of the sequence-flow graph of each scope: reachability, a path to an end, and loops with a bound.

The loop rule: a cycle of sequence flows (a strongly connected set of flow nodes; an activity's boundary events
count as its successors) is **bounded** when at least one of these holds —

1. a *counter*: a script in the cycle changes a variable from itself (``n = n + 1``, ``n += 1``, ``n -= 1``) and a
   condition on a sequence flow leaving a node of the cycle reads that variable;
2. an interrupting *timer* boundary event on an activity of the cycle leads out of it;
3. the designer states the bound: a ``spiffworkflow:property name="loopBound"`` on any node of the cycle
   (e.g. ``value="the head of unit decides at most three times"``).

An activity with ``standardLoopCharacteristics`` is bounded by ``loopMaximum`` or a ``loopBound`` property.
Anything else is a warning, reported at the gateway of the cycle that decides whether to go round again.
"""

import ast

from lxml import etree

from engine.processes.bpmn_xml import element_properties
from engine.processes.lint.model import Scope, local_name, xpath
from engine.processes.lint.problems import LintProblem, warning
from engine.processes.lint.support import event_kinds

LOOP_BOUND_PROPERTY = "loopBound"


def _successors(scope: Scope) -> dict[str, list[str]]:
    graph: dict[str, list[str]] = {node_id: [] for node_id in scope.nodes}
    for flow in scope.flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in graph and target in graph:
            graph[source].append(target)
    for node_id, node in scope.nodes.items():
        attached = node.get("attachedToRef") if local_name(node) == "boundaryEvent" else None
        if attached in graph:
            graph[attached].append(node_id)
    return graph


def _starts(scope: Scope, graph: dict[str, list[str]]) -> set[str]:
    has_incoming = {target for targets in graph.values() for target in targets}
    explicit = {i for i, n in scope.nodes.items() if local_name(n) == "startEvent"}
    event_subprocesses = {i for i, n in scope.nodes.items() if n.get("triggeredByEvent") == "true"}
    if explicit:
        return explicit | event_subprocesses
    # Without a start event every node without incoming flow starts (BPMN's implicit start).
    return {i for i in scope.nodes if i not in has_incoming} | event_subprocesses


def _reach(starts: set[str], graph: dict[str, list[str]]) -> set[str]:
    seen, pending = set(starts), list(starts)
    while pending:
        for nxt in graph.get(pending.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                pending.append(nxt)
    return seen


def reachability_problems(scope: Scope) -> list[LintProblem]:
    """Unreachable elements, and reachable ones from which no end can be reached."""
    if local_name(scope.element) == "adHocSubProcess":
        return []
    graph = _successors(scope)
    reached = _reach(_starts(scope, graph), graph)
    problems = [
        warning("unreachable", node, f"{local_name(node)} '{node_id}' cannot be reached from a start event")
        for node_id, node in scope.nodes.items()
        if node_id not in reached and node.get("isForCompensation") != "true"
    ]
    ends = {i for i, targets in graph.items() if not targets}  # end events, and BPMN's implicit ends
    reverse: dict[str, list[str]] = {i: [] for i in graph}
    for source, targets in graph.items():
        for target in targets:
            reverse[target].append(source)
    finishing = _reach(ends, reverse)
    problems += [
        warning("no-path-to-end", node, f"{local_name(node)} '{node_id}' has no path to an end event")
        for node_id, node in scope.nodes.items()
        if node_id in reached and node_id not in finishing
    ]
    return problems


def _cycles(graph: dict[str, list[str]]) -> list[set[str]]:
    """Strongly connected components with a cycle (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    components.append(component)
    return components


def _counters(node: etree._Element) -> set[str]:
    """Variables a node's scripts change from their own value: n = n + 1, n += 1."""
    sources = [s.text for s in xpath(node, "./bpmn:script | ./bpmn:extensionElements/spiffworkflow:*")]
    names = set()
    for source in sources:
        try:
            tree = ast.parse(source or "")
        except SyntaxError:
            continue
        for statement in ast.walk(tree):
            if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
                names.add(statement.target.id)
            elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.BinOp):
                read = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
                names |= {t.id for t in statement.targets if isinstance(t, ast.Name) and t.id in read}
    return names


def _condition_names(flow: etree._Element) -> set[str]:
    condition = xpath(flow, "./bpmn:conditionExpression")
    if not condition:
        return set()
    try:
        tree = ast.parse((condition[0].text or "").strip(), mode="eval")
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _is_bounded(scope: Scope, cycle: set[str]) -> bool:
    nodes = [scope.nodes[i] for i in cycle]
    if any(element_properties(n).get(LOOP_BOUND_PROPERTY) for n in nodes):
        return True
    counters = set().union(*(_counters(n) for n in nodes))
    if any(_condition_names(f) & counters for f in scope.flows if f.get("sourceRef") in cycle):
        return True
    return any(
        "timer" in event_kinds(event) and event.get("cancelActivity", "true") != "false" and event_id not in cycle
        for event_id, event in scope.nodes.items()
        if local_name(event) == "boundaryEvent" and event.get("attachedToRef") in cycle
    )


def loop_problems(scope: Scope) -> list[LintProblem]:
    """A warning for each loop without a bound (see the module docstring for the rule)."""
    problems = []
    order = list(scope.nodes)
    for cycle in _cycles(_successors(scope)):
        if _is_bounded(scope, cycle):
            continue
        members = sorted(cycle, key=order.index)
        deciding = [i for i in members if "Gateway" in local_name(scope.nodes[i])] or members
        problems.append(
            warning(
                "unbounded-loop",
                scope.nodes[deciding[0]],
                f"loop {' → '.join(members)} has no bound: count the rounds in a script and test the counter in a "
                f"condition, add an interrupting timer, or state the bound in a '{LOOP_BOUND_PROPERTY}' property",
            )
        )
    for activity in scope.nodes.values():
        loop = xpath(activity, "./bpmn:standardLoopCharacteristics")
        if loop and not loop[0].get("loopMaximum") and not element_properties(activity).get(LOOP_BOUND_PROPERTY):
            problems.append(
                warning(
                    "unbounded-loop",
                    activity,
                    f"looping activity '{activity.get('id')}' has no loopMaximum "
                    f"and no '{LOOP_BOUND_PROPERTY}' property",
                )
            )
    return problems
