"""POST /api/processes/preview: what deploying a file would change, without deploying it."""

from sqlalchemy import func, select

from engine.core.models import ProcessDefinition
from tests.web.test_designer_pages import BROKEN_CONDITION, NEW_DEADLINE


def _preview(api, content: bytes, user: str = "designer1"):
    return api.post("/api/processes/preview", user, files={"file": ("report_1374.bpmn", content, "application/xml")})


def test_the_preview_names_the_next_version_and_the_changed_elements(api, world):
    answer = _preview(api, NEW_DEADLINE)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["key"], body["current_version"], body["next_version"], body["unchanged"]) == (
        "report_1374", 1, 2, False,
    )  # fmt: skip
    assert [element["id"] for element in body["changed"]] == ["verification_escalation"]
    with world.factory() as session:
        assert session.scalar(select(func.count()).where(ProcessDefinition.key == "report_1374")) == 1


def test_the_preview_refuses_lint_errors_with_422(api):
    answer = _preview(api, BROKEN_CONDITION)
    assert answer.status_code == 422 and answer.json()["problems"]


def test_officers_may_not_preview_deployments(api):
    assert _preview(api, NEW_DEADLINE, "officer1").status_code == 403
