"""Deployed processes, parsed once and cached in memory per definition (= process key and version).

Deployed versions never change, so a cached entry never goes stale.
"""

import threading
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from sqlalchemy.orm import Session

from engine.core.errors import NotFound
from engine.core.models import ProcessDefinition
from engine.processes.bpmn_xml import parse_bpmn_xml


@dataclass(frozen=True)
class DeployedProcess:
    """A parsed, immutable process version with the catalog the runtime needs."""

    id: int
    key: str
    version: int
    catalog: dict
    spec: BpmnProcessSpec
    subprocess_specs: dict


class SpecCache:
    """Parses each deployed version once per process."""

    def __init__(self) -> None:
        self._by_id: dict[int, DeployedProcess] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int) -> DeployedProcess:
        """The parsed process of a definition id (read from the database on first use)."""
        cached = self._by_id.get(definition_id)
        if cached is not None:
            return cached
        definition = session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise NotFound(f"Process definition {definition_id} does not exist")
        return self.add(definition)

    def add(self, definition: ProcessDefinition) -> DeployedProcess:
        """Parse and cache a definition row."""
        with self._lock:
            if definition.id not in self._by_id:
                tree, problems = parse_bpmn_xml(definition.content.encode("utf-8"))
                if tree is None:
                    raise ValueError(f"stored definition {definition.key} v{definition.version}: {problems[0]}")
                parser = SpiffBpmnParser()
                parser.add_bpmn_xml(tree, definition.filename)
                self._by_id[definition.id] = DeployedProcess(
                    id=definition.id,
                    key=definition.key,
                    version=definition.version,
                    catalog=definition.catalog,
                    spec=parser.get_spec(definition.key),
                    subprocess_specs=parser.get_subprocess_specs(definition.key),
                )
            return self._by_id[definition.id]

    def clear(self) -> None:
        """Forget every parsed spec (tests use this)."""
        with self._lock:
            self._by_id.clear()
