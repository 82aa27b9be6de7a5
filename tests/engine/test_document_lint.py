"""The lint of the documents a step issues: unknown kinds and missing templates refuse deployment; a template field
no form up to the step fills is a warning; the shipped processes bind their documents without a problem."""

import io
from pathlib import Path

from docx import Document
from lxml import etree

from engine.processes.bpmn_xml import parse_bpmn_xml
from engine.processes.forms import FormCatalog
from engine.processes.lint import lint_bpmn
from engine.processes.lint.documents import document_problems
from engine.processes.lint.model import executable_processes
from engine.services import EngineServices  # noqa: F401  (registers the operators the shipped processes call)

ROOT = Path(__file__).resolve().parents[2]
FORMS = FormCatalog(ROOT / "forms")


def diagram(kinds: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="decide" name="Quyết định thẩm quyền">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="decide_jurisdiction.schema.json" />
        <spiffworkflow:property name="documentKinds" value="{kinds}" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()


def process_of(content: bytes) -> etree._Element:
    tree, _problems = parse_bpmn_xml(content)
    assert tree is not None
    return executable_processes(tree)[0]


def template_with(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_unknown_kind_is_an_error_in_vietnamese():
    report = lint_bpmn(diagram("transfer_slip, memo"), "p.bpmn", FORMS)
    [problem] = [p for p in report.problems if p.check == "document"]
    assert problem.severity == "error" and problem.code == "document-kind-unknown"
    assert problem.message_vi.startswith("Bước «Quyết định thẩm quyền» (decide): không có loại văn bản «memo»")
    assert not report.ok


def test_a_kind_without_a_template_is_an_error(tmp_path):
    problems = document_problems(process_of(diagram("transfer_slip")), FORMS, tmp_path)
    assert [(p.severity, p.code) for p in problems] == [("error", "document-template-missing")]


def test_a_template_field_no_form_fills_is_a_warning_naming_it(tmp_path):
    (tmp_path / "transfer_slip.docx").write_bytes(
        template_with("{{ competent_body }} {{ case_title }} {{ findings }} {{ verification_number }}")
    )
    problems = document_problems(process_of(diagram("transfer_slip")), FORMS, tmp_path)
    assert [(p.severity, p.code) for p in problems] == [("warning", "document-field-unfilled")]
    # competent_body is the step's own form's, case_title is standard; findings comes from no step before it
    assert problems[0].message.endswith("fills: findings, verification_number")
    assert "findings, verification_number" in problems[0].message_vi


def test_the_committed_templates_of_the_shipped_bindings_lint_clean():
    for path in sorted((ROOT / "processes").glob("*.bpmn")):
        report = lint_bpmn(path.read_bytes(), path.name, FORMS)
        assert [p for p in report.problems if p.check == "document"] == [], path.name
        assert report.ok, path.name
