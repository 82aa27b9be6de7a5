"""PHANANH_ISSUE_DOCUMENTS=false: a machine without LibreOffice completes its steps without issuing documents."""

from sqlalchemy import select

from engine.core.models import IssuedDocument
from engine.core.settings import Settings
from engine.services import build_services
from tests.cases import CONCLUDE, VERIFY, complete, walk_to_verification


def test_with_issuing_off_an_approval_completes_and_issues_nothing(world):
    assert build_services(Settings(issue_documents=False, secret_key="x" * 40)).issue_documents is False
    world.services.issue_documents = False
    case_id = walk_to_verification(world)
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    with world.factory() as session:
        assert session.scalars(select(IssuedDocument)).all() == []
