"""The registers of outgoing documents: gapless, unique numbers under concurrency; symbols; dates written out."""

import threading
from datetime import UTC, date, datetime

from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import IssuedDocument, Unit
from engine.documents.registers import date_written_out, document_symbol, next_number

WORKERS = 50
ROLLED_BACK = 10


class StepRefused(Exception):
    """A step refused after taking its number (its transaction rolls back)."""


def issue_unattached(world, unit_id: int, *, refuse: bool) -> None:
    """One issuance in its own session: a number from the register and the document's row, or a rollback."""
    with transaction(world.factory) as session:
        number = next_number(session, unit_id=unit_id, year=2026, kind="result_notice")
        if refuse:
            raise StepRefused(number)
        unit = session.get(Unit, unit_id)
        session.add(
            IssuedDocument(
                unit_id=unit_id,
                kind="result_notice",
                year=2026,
                number=number,
                symbol=document_symbol(unit, "result_notice", number),
                title="Thông báo kết quả",
                issued_on=date(2026, 11, 30),
                issued_at=datetime(2026, 11, 30, 3, tzinfo=UTC),
                issued_by="officer1",
                signer_name="Nguyễn Văn An",
                signed=True,
                sha256="0" * 64,
                identity_bearing=False,
                docx=b"d",
                pdf=b"p",
            )  # fmt: skip
        )


def test_fifty_concurrent_issuances_get_numbers_one_to_fifty_and_refused_steps_leave_no_gap(world):
    unit_id = world.units["d1"]
    start = threading.Barrier(WORKERS + ROLLED_BACK)
    errors: list[BaseException] = []

    def worker(refuse: bool) -> None:
        start.wait()
        try:
            issue_unattached(world, unit_id, refuse=refuse)
        except StepRefused:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i < ROLLED_BACK,)) for i in range(WORKERS + ROLLED_BACK)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with world.factory() as session:
        numbers = session.scalars(select(IssuedDocument.number).where(IssuedDocument.unit_id == unit_id)).all()
    assert sorted(numbers) == list(range(1, WORKERS + 1))
    with transaction(world.factory) as session:
        assert next_number(session, unit_id=unit_id, year=2026, kind="result_notice") == WORKERS + 1


def test_each_unit_year_and_kind_has_its_own_register(world):
    d1, d2 = world.units["d1"], world.units["d2"]
    with transaction(world.factory) as session:
        taken = [
            next_number(session, unit_id=d1, year=2026, kind="extension_decision"),
            next_number(session, unit_id=d1, year=2026, kind="extension_decision"),
            next_number(session, unit_id=d1, year=2027, kind="extension_decision"),
            next_number(session, unit_id=d1, year=2026, kind="transfer_slip"),
            next_number(session, unit_id=d2, year=2026, kind="extension_decision"),
        ]
    assert taken == [1, 2, 1, 1, 1]


def test_party_bodies_write_number_kind_over_unit_and_state_bodies_number_over_kind_unit():
    party = Unit(code="q1", name="Quận ủy Quận 1")
    state = Unit(code="ubnd", name="Ủy ban nhân dân Quận 1")
    assert document_symbol(party, "denunciation_acceptance_notice", 12) == "12-TB/Q1"
    assert document_symbol(state, "complaint_decision", 7) == "7/QĐ-UBND"
    assert document_symbol(Unit(code="ubkt-q1", name="Ủy ban kiểm tra Quận ủy Quận 1"), "transfer_slip", 3) == (
        "3-PC/UBKT-Q1"
    )


def test_dates_are_written_out_with_the_leading_zeros_of_the_format_rules():
    assert date_written_out(date(2026, 11, 30)) == "30 tháng 11 năm 2026"
    assert date_written_out(date(2027, 2, 5)) == "05 tháng 02 năm 2027"
    assert date_written_out(date(2027, 3, 5)) == "05 tháng 3 năm 2027"
