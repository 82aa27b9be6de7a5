"""Every form speaks English too: each titled schema (the form and every field, at any depth) has its English
title in ``x-title-en``, and each ``x-enum-titles`` its parallel ``x-enum-titles-en``."""

import json
from pathlib import Path

import pytest

from engine.processes.forms import enum_titles, schema_title

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.schema.json"))


def titled_nodes(node: object, path: str = "$"):
    """(path, schema) of every schema with a ``title`` or ``x-enum-titles``, depth first."""
    if isinstance(node, dict):
        if isinstance(node.get("title"), str) or "x-enum-titles" in node:
            yield path, node
        for key, child in node.items():
            yield from titled_nodes(child, f"{path}.{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from titled_nodes(child, f"{path}[{index}]")


def test_there_are_forms_to_check():
    assert len(FORMS) >= 20


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_every_titled_field_of_the_form_has_its_english_title(form):
    nodes = list(titled_nodes(json.loads(form.read_text(encoding="utf-8"))))
    assert nodes, "the form has titles"
    for path, schema in nodes:
        if isinstance(schema.get("title"), str):
            english = schema.get("x-title-en")
            assert isinstance(english, str) and english.strip(), f"{path}: no x-title-en"
        if "x-enum-titles" in schema:
            titles, english = schema["x-enum-titles"], schema.get("x-enum-titles-en")
            assert isinstance(english, list) and len(english) == len(titles), f"{path}: x-enum-titles-en"
            assert all(isinstance(title, str) and title.strip() for title in english), f"{path}: empty title"


def test_a_schema_is_titled_in_the_page_language_and_falls_back_to_vietnamese():
    schema = {"title": "Lý do", "x-title-en": "Reason", "enum": ["a", "b"], "x-enum-titles": ["Có", "Không"],
              "x-enum-titles-en": ["Yes", "No"]}  # fmt: skip
    assert (schema_title(schema, "vi"), schema_title(schema, "en")) == ("Lý do", "Reason")
    assert (enum_titles(schema, "vi"), enum_titles(schema, "en")) == (["Có", "Không"], ["Yes", "No"])
    untranslated = {"title": "Lý do", "x-enum-titles": ["Có", "Không"], "x-enum-titles-en": ["Yes"]}
    assert schema_title(untranslated, "en") == "Lý do" and enum_titles(untranslated, "en") == ["Có", "Không"]
    assert schema_title({}, "en") is None and enum_titles({}, "en") == []


def test_every_step_of_the_shipped_processes_has_an_english_name():
    from lxml import etree

    from engine.presentation.labels import STEP_NAMES_EN, step_label

    processes = sorted((Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn"))
    names = {
        element.get("name")
        for path in processes
        for element in etree.parse(str(path)).iter("{*}userTask", "{*}manualTask")
    }
    assert len(names) >= 20 and None not in names
    assert sorted(names - STEP_NAMES_EN.keys()) == []
    assert step_label("Xác minh", "en") == "Verify" and step_label("Xác minh", "vi") == "Xác minh"
    assert step_label("Bước mới của người thiết kế", "en") == "Bước mới của người thiết kế"
