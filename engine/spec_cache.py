"""Parsed process specs, cached in memory per (process key, version): deployed versions never change."""

import threading

from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn_xml import parse_bpmn_xml
from engine.models import ProcessDefinition


class SpecCache:
    """Parses each deployed version once per process."""

    def __init__(self) -> None:
        self._specs: dict[tuple[str, int], tuple[object, dict]] = {}
        self._lock = threading.Lock()

    def get(self, definition: ProcessDefinition) -> tuple[object, dict]:
        """(spec, subprocess specs) of a deployed version."""
        key = (definition.key, definition.version)
        cached = self._specs.get(key)
        if cached is not None:
            return cached
        with self._lock:
            if key not in self._specs:
                tree, problems = parse_bpmn_xml(definition.content.encode("utf-8"))
                if tree is None:
                    raise ValueError(f"stored definition {key} is unreadable: {problems[0]}")
                parser = SpiffBpmnParser()
                parser.add_bpmn_xml(tree, definition.filename)
                self._specs[key] = (parser.get_spec(definition.key), parser.get_subprocess_specs(definition.key))
            return self._specs[key]

    def clear(self) -> None:
        """Forget every parsed spec (tests use this)."""
        with self._lock:
            self._specs.clear()
