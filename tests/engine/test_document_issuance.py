"""Completing a step issues its documents: a register number, the number and date filled in, the PDF, the
signature, the row and the audit event, all in the step's transaction; a failure leaves nothing behind."""

import hashlib

import pytest
from sqlalchemy import select

import engine.documents.issuance as issuance
from engine.cases.audit import verify_chain
from engine.cases.queries import case_events
from engine.core.errors import DomainError
from engine.core.models import Case, DocumentRegister, IssuedDocument
from engine.documents.binding import conditions
from engine.documents.registers import date_written_out
from engine.documents.templates import document_title
from tests import denunciations
from tests.cases import CONCLUDE, VERIFY, complete, walk_to_verification
from tests.documents import text_of
from tests.petitions import register_petition, triage

pytestmark = pytest.mark.issues_documents


def conclude(world, case_id: int) -> None:
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)


def issued(world, case_id: int) -> list[IssuedDocument]:
    with world.factory() as session:
        query = select(IssuedDocument).where(IssuedDocument.case_id == case_id).order_by(IssuedDocument.id)
        rows = list(session.scalars(query))
        for row in rows:
            _ = (row.docx, row.pdf, row.redacted_pdf)  # load the deferred files before the session closes
        return rows


def test_approving_a_1374_conclusion_issues_it_numbered_dated_and_recorded_in_the_audit_chain(world):
    case_id = walk_to_verification(world)
    conclude(world, case_id)
    assert issued(world, case_id) == []
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})

    [document] = issued(world, case_id)
    today = world.clock.now().astimezone(world.services.calendar.zone).date()
    assert (document.kind, document.number, document.year) == ("verification_conclusion", 1, today.year)
    assert document.symbol == "1/KL-D1"  # a state body's symbol: number/kind-unit
    assert document.issued_on == today and document.issued_by == "supervisor1" and document.signed
    assert document.signer_name and document.signer_name != "supervisor1"  # the signer by full name
    text = text_of(document.docx)
    assert "Số: 1/KL-D1" in text and f"ngày {date_written_out(today)}" in text
    assert "{{" not in text
    with world.factory() as session:
        assert document.title == document_title(session, case_id=case_id, kind="verification_conclusion")
        assert document.title in text and "Nơi nhận:" in text
    assert document.pdf.startswith(b"%PDF") and document.sha256 == hashlib.sha256(document.pdf).hexdigest()
    assert not document.identity_bearing and document.redacted_pdf is None

    with world.factory() as session:
        events = [e for e in case_events(session, case_id) if e.kind == "document_issued"]
        assert [(e.actor, e.payload["symbol"], e.payload["sha256"]) for e in events] == [
            ("supervisor1", "1/KL-D1", document.sha256)
        ]
        assert verify_chain(session, case_id).valid
        register = session.get(DocumentRegister, (document.unit_id, today.year, "verification_conclusion"))
        assert register.last_number == 1


def test_a_conclusion_sent_back_issues_nothing_and_the_next_one_takes_the_next_number(world):
    first, second = walk_to_verification(world), walk_to_verification(world)
    conclude(world, first)
    complete(world, first, "approve_conclusion", "supervisor1", {"decision": "send_back", "comment": "Bổ sung"})
    assert issued(world, first) == []
    conclude(world, second)
    complete(world, second, "approve_conclusion", "supervisor1", {"decision": "approve"})
    conclude(world, first)
    complete(world, first, "approve_conclusion", "supervisor1", {"decision": "approve"})
    assert [d.number for d in issued(world, second)] == [1]
    assert [d.number for d in issued(world, first)] == [2]


def test_when_conversion_fails_the_step_is_refused_and_nothing_is_issued_nor_numbered(world, monkeypatch):
    class ConverterDown(DomainError):
        pass

    def broken(docx: bytes) -> bytes:
        raise ConverterDown("Không chuyển được sang PDF")

    case_id = walk_to_verification(world)
    conclude(world, case_id)
    monkeypatch.setattr(issuance, "docx_to_pdf", broken)
    with pytest.raises(ConverterDown):
        complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    assert world.ready_task(case_id, "approve_conclusion") is not None
    assert issued(world, case_id) == []
    with world.factory() as session:
        assert session.scalars(select(DocumentRegister)).all() == []
        assert verify_chain(session, case_id).valid

    monkeypatch.undo()
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    assert [d.number for d in issued(world, case_id)] == [1]  # the refused attempt left no gap


def test_a_denunciation_issues_its_acceptance_notice_extension_decision_and_conclusion(world):
    case_id = denunciations.start_denunciation(world)
    denunciations.accept(world, case_id)
    denunciations.notify(world, case_id)
    denunciations.extend(world, case_id)
    denunciations.conclude(world, case_id, "partly_true")
    documents = issued(world, case_id)
    assert [(d.kind, d.number) for d in documents] == [
        ("denunciation_acceptance_notice", 1),
        ("extension_decision", 1),
        ("denunciation_conclusion", 1),
    ]
    assert [d.symbol.split("-")[0] for d in documents] == ["1/TB", "1/QĐ", "1/KL"]
    notice, extension, conclusion = documents
    # the acceptance notice is addressed to the denouncer by name: sealed, with a redacted copy
    for document in (notice,):
        assert document.identity_bearing and document.redacted_pdf.startswith(b"%PDF")
        assert not document.pdf.startswith(b"%PDF") and not document.docx.startswith(b"PK")
        opened = world.services.identities.open_bytes(document.pdf)
        assert opened.startswith(b"%PDF") and hashlib.sha256(opened).hexdigest() == document.sha256
        assert "Số: 1/" in text_of(world.services.identities.open_bytes(document.docx))
    for document in (extension, conclusion):  # neither names the denouncer
        assert not document.identity_bearing and document.pdf.startswith(b"%PDF")
    with world.factory() as session:
        assert session.get(Case, case_id) is not None
        assert verify_chain(session, case_id).valid


def test_a_triage_decision_issues_the_transfer_slip_or_the_guidance_letter_that_fits_it(world):
    transferred = register_petition(world).id
    triage(world, transferred, "complaint", "transfer", competent_body="UBND Quận 3")
    assert [d.kind for d in issued(world, transferred)] == ["transfer_slip"]
    guided = register_petition(world).id
    triage(world, guided, "proposal", "guide", guidance="Gửi đơn đến UBND quận")
    [letter] = issued(world, guided)
    assert letter.kind == "guidance_letter" and letter.identity_bearing  # addressed to the petitioner by name
    filed = register_petition(world).id
    triage(world, filed, "proposal", "file")
    assert issued(world, filed) == []


def test_the_conditions_of_a_step_apply_to_every_kind_or_to_the_kind_they_name():
    assert conditions("decision=approve") == [(None, "decision", "approve")]
    assert conditions("transfer_slip: decision=transfer; guidance_letter: decision=guide ;") == [
        ("transfer_slip", "decision", "transfer"),
        ("guidance_letter", "decision", "guide"),
    ]
    assert conditions("") == [] and conditions("nonsense") == []
