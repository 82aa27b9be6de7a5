"""Lint of BPMN files before deployment: one set of checks for the designer, the REST API, the CLI and deploy.

Errors refuse deployment: XML that is not well-formed or declares a DOCTYPE, BPMN schema (XSD) errors, elements
SpiffWorkflow cannot execute, Python syntax or forbidden constructs in scripts, conditions and timers, forms that
do not exist, service tasks calling an operator no domain registered, a gateway's non-default flow without a
condition, several (or no) executable processes, an unknown role in the process's ``startableBy``, a document
kind that does not exist or has no template, and whatever SpiffWorkflow's parser refuses.
Warnings do not: user tasks without a lane or a form, gateways whose conditions may all be false without a
default flow, zone-less timer dates, loops without a bound, unreachable elements and elements with no path to an
end, template fields of a step's documents that no form up to the step fills.
"""

import logging
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TypeVar

from lxml import etree

from engine.processes.bpmn_xml import parse_bpmn_xml, validate_against_xsd
from engine.processes.forms import FormCatalog
from engine.processes.lint.deadlines import deadline_problems
from engine.processes.lint.documents import document_problems
from engine.processes.lint.flow import loop_problems, reachability_problems
from engine.processes.lint.gateways import field_domains, gateway_problems, unconditioned_flow_problems
from engine.processes.lint.model import executable_processes, scopes_of, xpath
from engine.processes.lint.operators import operator_problems
from engine.processes.lint.problems import LintProblem, LintReport
from engine.processes.lint.spiff import spiff_parse_problems
from engine.processes.lint.starters import starter_problems
from engine.processes.lint.support import unsupported_elements
from engine.processes.lint.tasks import form_problems, lane_problems, python_problems

__all__ = ["LintProblem", "LintReport", "lint_bpmn"]

log = logging.getLogger("phananh.lint")
Found = TypeVar("Found")  # what a check finds: its problems, or (gateway-default) the field domains


def _guarded(check: str, run: Callable[[], Found]) -> Found | list[LintProblem]:
    """Run one check; a bug in a check becomes a warning, never a crash of the request."""
    try:
        return run()
    except Exception as exc:
        log.exception("lint check %s failed", check)
        return [LintProblem("warning", check, None, None, f"the {check} check could not run: {exc}")]


def _document_problems(tree: etree._ElementTree) -> list[LintProblem]:
    return [LintProblem("error", "xsd", p.element_id, p.line, p.message) for p in validate_against_xsd(tree)]


def _process_problems(process: etree._Element, forms: FormCatalog) -> list[LintProblem]:
    problems = _guarded("unsupported-element", lambda: unsupported_elements(process))
    problems += _guarded("python", lambda: python_problems(process))
    problems += _guarded("service-operator", lambda: operator_problems(process))
    problems += _guarded("form", lambda: form_problems(process, forms))
    problems += _guarded("lane", lambda: lane_problems(process))
    problems += _guarded("startable-by", lambda: starter_problems(process))
    problems += _guarded("deadline", lambda: deadline_problems(process))
    problems += _guarded("document", lambda: document_problems(process, forms))
    domains = _guarded("gateway-default", lambda: field_domains(process, forms))
    for scope in scopes_of(process):
        problems += _guarded("reachability", partial(reachability_problems, scope))
        problems += _guarded("unbounded-loop", partial(loop_problems, scope))
        problems += _guarded("gateway-condition", partial(unconditioned_flow_problems, scope))
        if isinstance(domains, dict):
            problems += _guarded("gateway-default", partial(gateway_problems, scope, domains))
    return problems


def _choose_process(tree: etree._ElementTree) -> tuple[list[etree._Element], list[LintProblem]]:
    processes = executable_processes(tree)
    if len(processes) == 1:
        return processes, []
    if not processes:
        declared = xpath(tree.getroot(), "./bpmn:process")
        message = 'the file has no executable process: every process is empty or marked isExecutable="false"'
        return [], [LintProblem("error", "process", declared[0].get("id") if declared else None, None, message)]
    ids = ", ".join(p.get("id") for p in processes)
    return processes, [
        LintProblem(
            "error",
            "process",
            p.get("id"),
            p.sourceline,
            f'several executable processes ({ids}); keep one executable and mark the others isExecutable="false"',
        )
        for p in processes
    ]


def _named(problem: LintProblem, tree: etree._ElementTree) -> LintProblem:
    """The problem with the name and kind of its element, for checks that only knew the id."""
    if problem.element_tag or not problem.element_id:
        return problem
    found = tree.getroot().xpath("//*[@id=$id]", id=problem.element_id)
    if not found:
        return problem
    return replace(problem, element_name=found[0].get("name"), element_tag=etree.QName(found[0]).localname)


def lint_bpmn(content: bytes, filename: str, forms: FormCatalog) -> LintReport:
    """Every problem of a BPMN file, each at its element and line; ``report.ok`` when nothing blocks deployment."""
    report = LintReport(filename)
    tree, parse_problems = parse_bpmn_xml(content)
    if tree is None:
        report.problems = [LintProblem("error", "xml", p.element_id, p.line, p.message) for p in parse_problems]
        return report
    problems = _guarded("xsd", lambda: _document_problems(tree))
    processes, choice_problems = _choose_process(tree)
    problems += choice_problems
    for process in processes:
        problems += _process_problems(process, forms)
    if len(processes) == 1:
        report.process_key = processes[0].get("id")
        if not any(p.check == "xsd" for p in problems):
            flagged = {p.element_id for p in problems if p.severity == "error"}
            problems += [
                p
                for p in spiff_parse_problems(tree, filename, report.process_key)
                if p.element_id is None or p.element_id not in flagged
            ]
    unique = [_named(p, tree) for p in dict.fromkeys(problems)]
    report.problems = sorted(unique, key=lambda p: (p.line or 0, p.severity != "error"))
    return report
