# ruff: noqa: E501  (a diagram and a message read best unwrapped)
"""Lint problems read in Vietnamese on the designer's pages: every code has its English pattern and its Vietnamese
sentence, and each sentence names the element by its name with its id in parentheses."""

import re

from engine.processes.forms import FormCatalog
from engine.processes.lint import lint_bpmn
from engine.processes.lint.problems import LintProblem
from engine.processes.lint.texts import OTHER, TEXTS, code_of, in_vietnamese

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="verify" name="Xác minh"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:userTask id="orphan" name="Lưu trữ"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="verify"/>
    <bpmn:sequenceFlow id="f2" sourceRef="verify" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_every_code_has_an_english_pattern_and_a_vietnamese_sentence():
    codes = [text.code for text in TEXTS]
    assert len(codes) == len(set(codes)) and OTHER not in codes
    for text in TEXTS:
        assert text.english.pattern.startswith("^") and text.vietnamese.strip()
        assert not any(word in text.vietnamese for word in (" is not ", " has no ", " cannot "))
        used = {int(n) for n in re.findall(r"{(\d+)}", text.vietnamese)}
        assert used <= set(range(text.english.groups)), text.code


def test_the_lint_of_a_diagram_gives_codes_and_vietnamese_sentences_naming_the_element(tmp_path):
    report = lint_bpmn(BPMN.encode(), "p.bpmn", FormCatalog(tmp_path))
    by_code = {(p.code, p.element_id): p for p in report.problems}
    unreachable = by_code[("unreachable", "orphan")]
    assert unreachable.message == "userTask 'orphan' cannot be reached from a start event"
    assert unreachable.message_vi == "Bước «Lưu trữ» (orphan) không thể tới được từ sự kiện bắt đầu"
    assert by_code[("lane-none", "verify")].message_vi.startswith("Bước «Xác minh» (verify) không nằm trong làn nào")
    assert by_code[("form-absent", "verify")].message_in("vi").startswith("Bước «Xác minh» (verify) chưa có biểu mẫu")
    assert by_code[("form-absent", "verify")].message_in("en").startswith("user task 'verify' has no form")
    assert all(p.code != OTHER for p in report.problems)
    shown = report.problems[0].as_dict()
    assert {"code", "message", "message_vi", "element_name"} <= shown.keys()


def test_messages_from_other_parts_of_the_engine_are_said_in_vietnamese_too():
    python = "condition expression: Python syntax error on line 1: invalid syntax — this is a FEEL expression (Camunda 8); SpiffWorkflow evaluates Python"  # fmt: skip
    assert code_of(python) == "python"
    assert in_vietnamese(python, "Luồng «Có» (yes)") == (
        "Luồng «Có» (yes): điều kiện sai: lỗi cú pháp Python ở dòng 1: invalid syntax — đây là biểu thức FEEL "
        "(Camunda 8); SpiffWorkflow tính biểu thức Python"
    )
    assert in_vietnamese("XML is not well-formed: bad tag", "Tệp") == "Tệp XML sai cú pháp: bad tag"


def test_an_unknown_message_keeps_its_words_after_the_element():
    problem = LintProblem("warning", "new-check", "x", None, "something new", "Tên", "userTask")
    assert problem.code == OTHER
    assert problem.message_vi == "Bước «Tên» (x): something new"
