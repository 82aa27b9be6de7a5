"""Serialization of a case's workflow state. Only the instance is stored; the spec comes from its version."""

import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.core.errors import DomainError

STATE_FORMAT = "phananh-state-1"


class CaseStateConverter(BpmnWorkflowConverter):
    """Converts a top-level workflow without its spec; ``restore`` takes the spec from the caller."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(self, dct: dict, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
        """Rebuild a workflow from its instance state and an already parsed spec."""
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class CaseStateCorrupt(DomainError):
    """The stored state of a case cannot be read."""


class CaseStateSerializer:
    """Dumps and loads the instance part of a workflow as JSON text."""

    def __init__(self) -> None:
        registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
        self._serializer = BpmnWorkflowSerializer(registry)
        self._converter = CaseStateConverter(BpmnWorkflow, registry)

    @property
    def registry(self):
        """The serializer registry SpiffWorkflow's spec and workflow diffs compare task specs with."""
        return self._serializer.registry

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow's instance state as JSON text."""
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            dct = self._converter.to_dict(workflow)
            dct["format"] = STATE_FORMAT
            return json.dumps(dct, cls=self._serializer._encoder_cls, separators=(",", ":"))
        finally:
            registry._encoder_mode = False

    def loads(self, text: str, spec, subprocess_specs: dict, script_engine) -> BpmnWorkflow:
        """Rebuild a workflow from ``dumps`` output and its parsed spec."""
        dct = json.loads(text, cls=self._serializer.json_decoder_cls)
        if dct.pop("format", None) != STATE_FORMAT:
            raise CaseStateCorrupt("stored case state has an unknown format")
        return self._converter.restore(dct, spec, subprocess_specs, script_engine)
