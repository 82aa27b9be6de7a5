"""Transferring a petition from its case page: the destinations offered, a refusal explained, both sides' panels."""

from html import unescape

from sqlalchemy import select

from engine.core.models import CaseTransfer
from tests.cases import complete
from tests.petitions import register_petition


def test_an_officer_transfers_a_petition_from_its_page_and_both_units_see_the_transfer(web, world):
    case = register_petition(world)
    complete(world, case.id, "classify_petition", "officer1", {"classification": "proposal"})
    officer = web().login("officer1")
    page = officer.get(f"/cases/{case.id}")
    assert 'id="transfer-form"' in page.text and 'value="unit:d2"' in page.text and "Đơn vị d2" in page.text
    refused = officer.post_form(f"/cases/{case.id}/transfer", {"destination": "", "reason": "x"},
                                csrf_from=f"/cases/{case.id}")  # fmt: skip
    assert refused.status_code == 400 and "Chọn một nơi nhận" in unescape(refused.text)
    sent = officer.post_form(f"/cases/{case.id}/transfer",
                             {"destination": "unit:d2", "reason": "Thuộc thẩm quyền của quận 2"},
                             csrf_from=f"/cases/{case.id}")  # fmt: skip
    assert sent.status_code == 303 and sent.headers["location"] == f"/cases/{case.id}?transferred=1"
    after = officer.get(f"/cases/{case.id}?transferred=1")
    assert "Đã chuyển đơn." in after.text and "Đã chuyển đến Đơn vị d2" in after.text
    assert "Nơi nhận đã tiếp nhận" in after.text and 'id="transfer-form"' not in after.text
    with world.factory() as session:
        received_id = session.scalars(select(CaseTransfer.target_case_id)).one()
    other = web().login("officer_d2")
    there = other.get(f"/cases/{received_id}")
    assert "Được chuyển đến từ Đơn vị d1" in there.text and case.tracking_code in there.text

    complete(world, received_id, "classify_petition", "officer_d2", {"classification": "proposal"})
    back = other.post_form(f"/cases/{received_id}/transfer", {"destination": "unit:d1", "reason": "Trả lại"},
                           csrf_from=f"/cases/{received_id}")  # fmt: skip
    assert back.status_code == 409 and "lòng vòng" in unescape(back.text) and 'name="allow_return"' in back.text
