"""Import of BPMN files from other modelers over HTTP: each deploys or is refused with a 4xx naming its elements.

Also: size limit, XXE and billion-laughs payloads refused before any parser sees them.
"""

import tracemalloc
from pathlib import Path

import pytest
from lxml import etree

from engine.core.models import Case
from engine.processes import bpmn_xml
from engine.processes.lint import lint_bpmn
from tests.cases import complete, start_report

IMPORTS = Path(__file__).parents[1] / "fixtures" / "imports"

# file → (HTTP status, process key when deployed, element ids the refusal must name)
EXPECTED = {
    "bpmnio_plain.bpmn": (201, "Process_archive_note", set()),
    "camunda7_screening.bpmn": (201, "camunda_screening", set()),
    "signavio_collaboration.bpmn": (201, "sid-process-office", set()),
    "bizagi_complaint_intake.bpmn": (201, "Id_pr0c0001-0000-4000-8000-000000000001", set()),
    "camunda7_juel_expressions.bpmn": (422, None, {"Timer_remind", "Flow_yes", "Flow_no"}),
    "camunda8_zeebe_service.bpmn": (422, None, {"Task_send_sms"}),
    "complex_gateway.bpmn": (422, None, {"Gateway_two_of_three"}),
    "transaction_compensation.bpmn": (422, None, {"Event_compensate_booking", "Task_cancel_room"}),
    "two_executable_pools.bpmn": (422, None, {"Process_district", "Process_ward"}),
    "signavio_link_and_signal_events.bpmn": (422, None, {"sid-link-throw", "sid-link-catch", "sid-end-signal"}),
}

XXE_TEMPLATE = """<?xml version="1.0"?>
<!DOCTYPE bpmn:definitions [<!ENTITY secret SYSTEM "file://{path}">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true" name="&secret;"><bpmn:startEvent id="s" /></bpmn:process>
</bpmn:definitions>"""

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + ']>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">'
    '<bpmn:process id="p" name="&lol9;" /></bpmn:definitions>'
).encode()


def upload(api, name: str, content: bytes, url: str = "/api/processes"):
    return api.post(url, "designer1", files={"file": (name, content, "application/xml")})


def test_all_ten_imports_are_present():
    assert sorted(p.name for p in IMPORTS.glob("*.bpmn")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_file_from_another_modeler_deploys_or_is_refused_naming_each_element(api, name):
    status, key, element_ids = EXPECTED[name]
    response = upload(api, name, (IMPORTS / name).read_bytes())
    assert response.status_code == status, response.text
    body = response.json()
    if status == 201:
        assert body["key"] == key and body["created"] is True
        assert all(w["severity"] == "warning" for w in body["warnings"])
    else:
        assert {p["element_id"] for p in body["problems"]} >= element_ids
        assert all(element_id in body["detail"] for element_id in element_ids)
        assert all(p["severity"] == "error" for p in body["problems"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_over_http_agrees_with_deploy(api, name):
    status, key, element_ids = EXPECTED[name]
    response = upload(api, name, (IMPORTS / name).read_bytes(), url="/api/processes/lint")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is (status == 201)
    errors = {p["element_id"] for p in body["problems"] if p["severity"] == "error"}
    assert errors >= element_ids and (errors == set()) is (status == 201)
    for problem in body["problems"]:  # each has its stable code and its Vietnamese sentence besides the English
        assert problem["code"] != "other" and problem["message_vi"] and problem["message_vi"] != problem["message"]


def test_lint_accepts_the_modelers_json_body_and_shows_warnings_at_their_elements(api):
    xml = (IMPORTS / "camunda7_screening.bpmn").read_text(encoding="utf-8")
    response = api.post("/api/processes/lint", "designer1", json={"xml": xml, "filename": "screening.bpmn"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["process_key"] == "camunda_screening"
    assert [(p["severity"], p["check"], p["element_id"]) for p in body["problems"]] == [
        ("warning", "form", "Task_archive")
    ]
    assert body["problems"][0]["line"] == 42


def test_lint_is_for_designers_and_refuses_a_request_without_a_file(api):
    files = {"file": ("x.bpmn", b"<x/>", "application/xml")}
    assert api.post("/api/processes/lint", "officer1", files=files).status_code == 403
    assert api.post("/api/processes/lint", "designer1", json={"nothing": 1}).status_code == 400
    assert api.post("/api/processes/lint", "designer1", files={"other": ("x", b"1")}).status_code == 400


def test_deploy_returns_warnings_and_the_deployed_import_runs(api, world):
    response = upload(api, "camunda7_screening.bpmn", (IMPORTS / "camunda7_screening.bpmn").read_bytes())
    assert response.status_code == 201
    assert [(w["check"], w["element_id"]) for w in response.json()["warnings"]] == [("form", "Task_archive")]
    case_id = start_report(world, {}, process_key="camunda_screening")
    complete(world, case_id, "Task_screen", "officer1", {"screening": "in_scope"})
    with world.factory() as session:
        assert session.get(Case, case_id).status == "completed"


def test_a_bpmn_file_over_the_size_limit_is_refused_with_413(api, world):
    world.services.max_bpmn_bytes = 1000
    big = (IMPORTS / "bpmnio_plain.bpmn").read_bytes()
    for url in ("/api/processes", "/api/processes/lint"):
        response = upload(api, "big.bpmn", big, url=url)
        assert response.status_code == 413 and "1000 bytes" in response.json()["detail"]
    response = api.post("/api/processes/lint", "designer1", json={"xml": big.decode(), "filename": "big.bpmn"})
    assert response.status_code == 413


@pytest.fixture
def parser_must_not_run(monkeypatch):
    """Fail loudly if a DOCTYPE-bearing document ever reaches lxml."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the XML parser was called on a document with a DOCTYPE")

    monkeypatch.setattr(bpmn_xml.etree, "fromstring", refuse)


def test_an_xxe_payload_is_refused_without_reading_the_file(api, tmp_path, parser_must_not_run):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-7f3a", encoding="utf-8")
    payload = XXE_TEMPLATE.format(path=secret).encode()
    for url in ("/api/processes", "/api/processes/lint"):
        response = upload(api, "xxe.bpmn", payload, url=url)
        assert response.status_code in (200, 422)
        assert "TOP-SECRET-MARKER" not in response.text
        assert "DOCTYPE" in response.text
    assert api.get("/api/processes", "designer1").json()[0]["key"] != "p"


def test_a_billion_laughs_payload_is_refused_in_little_memory(api, world, parser_must_not_run):
    tracemalloc.start()
    try:
        report = lint_bpmn(BILLION_LAUGHS, "lol.bpmn", world.services.forms)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not report.ok and report.problems[0].check == "xml" and "DOCTYPE" in report.problems[0].message
    assert peak < 2_000_000
    assert upload(api, "lol.bpmn", BILLION_LAUGHS).status_code == 422


def test_a_doctype_hidden_behind_comments_or_utf16_is_still_found():
    hidden = b'<?xml version="1.0"?>\n<!-- modeler export -->\n<?pi x?>\n<!DOCTYPE x [<!ENTITY a "b">]><x/>'
    assert bpmn_xml.declares_doctype(hidden)
    assert bpmn_xml.declares_doctype(hidden.decode().encode("utf-16"))
    assert bpmn_xml.declares_doctype(b"<!--" + b"x" * 200_000 + b"-->" + hidden)
    assert not bpmn_xml.declares_doctype((IMPORTS / "bpmnio_plain.bpmn").read_bytes())


@pytest.mark.parametrize(
    "content",
    [
        '<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-32"),
        '<?xml version="1.0" encoding="UTF-32LE"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-32-le"),
        b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x +AFs-+ADw-!ENTITY a +ACI-b+ACI-+AD4-+AF0-+AD4-<x/>',
        b'<?xml version="1.0" encoding="ISO-8859-1"?><x/>',
    ],
    ids=["utf32-bom", "utf32le-no-bom", "utf7", "latin1"],
)
def test_files_in_encodings_the_doctype_check_cannot_read_are_refused_before_parsing(api, content):
    answer = upload(api, "odd.bpmn", content)
    assert answer.status_code in (400, 422) and "UTF-8" in answer.text, answer.text
    tree, problems = bpmn_xml.parse_bpmn_xml(content)
    assert tree is None and "is not accepted" in problems[0].message


def test_even_the_underlying_parser_does_not_expand_entities():
    """A second line of defence: libxml2 with our settings refuses the bomb or leaves its references unexpanded."""
    try:
        root = etree.fromstring(BILLION_LAUGHS, parser=bpmn_xml._safe_parser())
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc) or "entity" in str(exc).lower()
    else:
        assert len(etree.tostring(root)) < 10_000


BPMN_NS = 'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
ODD_FILES = {
    "empty": b"",
    "binary": bytes(range(256)),
    "html": b"<html><body>not a diagram</body></html>",
    "no process": f'<bpmn:definitions {BPMN_NS} id="d" targetNamespace="t"/>'.encode(),
    "too deep": (
        f'<bpmn:definitions {BPMN_NS} id="d" targetNamespace="t"><bpmn:process id="p"><bpmn:documentation>'
        + "<a>" * 5000
        + "</a>" * 5000
        + "</bpmn:documentation></bpmn:process></bpmn:definitions>"
    ).encode(),
    "dangling flow": (
        f'<bpmn:definitions {BPMN_NS} id="d" targetNamespace="t"><bpmn:process id="p"><bpmn:startEvent id="s"/>'
        '<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="nowhere"/></bpmn:process></bpmn:definitions>'
    ).encode(),
}


@pytest.mark.parametrize("kind", sorted(ODD_FILES))
def test_odd_files_get_a_clear_4xx_never_a_500(api, kind):
    response = upload(api, f"{kind}.bpmn", ODD_FILES[kind])
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["message"]
