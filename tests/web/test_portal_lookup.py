"""Looking a case up on the portal with its tracking code and secret: the step and deadline, never a name."""

import re

from sqlalchemy import select

import engine.portal.service
from engine.core.models import Case
from engine.portal.service import case_by_code_and_secret
from tests.cases import SCREEN_IN, assign_data, complete
from tests.portal import file_on_portal, form_token, look_up, portal_client


def _case_id(world, code: str) -> int:
    with world.factory() as session:
        return session.scalars(select(Case.id).where(Case.tracking_code == code)).one()


def test_code_and_secret_show_the_step_and_its_deadline_but_no_name(world):
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world, unit="d1")
        case_id = _case_id(world, code)
        complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
        complete(world, case_id, "assign_verification", "lead1", assign_data(days=10))
        response = look_up(client, code.lower(), secret)
    assert response.status_code == 200
    assert code in response.text and "Xác minh" in response.text, "the current step"
    assert "còn 10 ngày làm việc" in response.text, "the deadline in working days"
    for private in ("officer1", "lead1", "Nguyễn Văn Bị", "Lê Thị Người Gửi", "đòi tiền", "0911111111"):
        assert private not in response.text, f"{private!r} must not be shown"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_secret_gets_exactly_the_answer_of_an_unknown_code(world):
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world)
        wrong_secret = look_up(client, code, secret[:-1] + ("A" if secret[-1] != "A" else "B"))
        unknown_code = look_up(client, "PA-1999-99999", secret)
        empty = look_up(client, "", "")
    assert wrong_secret.status_code == unknown_code.status_code == empty.status_code == 404
    assert wrong_secret.text == unknown_code.text == empty.text
    assert "Không tìm thấy hồ sơ" in wrong_secret.text


def test_an_unknown_code_is_checked_against_a_dummy_hash_like_a_known_one(world, monkeypatch):
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world)
    compared = []
    real = engine.portal.service.hmac.compare_digest
    monkeypatch.setattr(
        engine.portal.service.hmac, "compare_digest", lambda a, b: compared.append(len(b)) or real(a, b)
    )
    with world.factory() as session:
        assert case_by_code_and_secret(session, code, "wrong") is None
        assert case_by_code_and_secret(session, "PA-1999-99999", "wrong") is None
        assert case_by_code_and_secret(session, code, secret) is not None
    assert compared == [64, 64, 64], "one sha256 comparison each time, whatever the code"


def test_the_lookup_is_rate_limited_per_address(world):
    with portal_client(world, portal_lookup_limit=3) as client:
        code, secret = file_on_portal(client, world)
        answers = [look_up(client, code, "guess-" + str(n)).status_code for n in range(3)]
        refused = look_up(client, code, secret)
    assert answers == [404, 404, 404]
    assert refused.status_code == 429 and "Quá nhiều yêu cầu" in refused.text and "Retry-After" in refused.headers


def test_a_concluded_case_shows_it_is_concluded(world):
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world, unit="d1")
        case_id = _case_id(world, code)
        complete(world, case_id, "screen_report", "officer1", {"screening": "out_of_scope", "reason": "Ngoài"})
        complete(world, case_id, "forward_or_archive", "officer1", {"disposition": "archive", "reason": "Lưu"})
        response = look_up(client, code, secret)
    assert response.status_code == 200
    assert "Đã kết thúc xử lý" in response.text and "Không có bước nào" in response.text


def test_a_bad_e_mail_address_gets_a_portal_error_page_without_staff_links(world):
    with portal_client(world) as client:
        code, secret = file_on_portal(client, world)
        status = look_up(client, code, secret)
        case_id = re.search(r'name="case_id" value="(\d+)"', status.text).group(1)
        data = {"case_id": case_id, "email": "not-an-address", "form_token": form_token(status.text)}
        answer = client.post("/portal/theo-doi", data=data)
    assert answer.status_code == 400 and "not-an-address" in answer.text
    assert "/inbox" not in answer.text and "/portal/tra-cuu" in answer.text


def test_portal_pages_need_no_sign_in_and_switch_to_english(world):
    with portal_client(world) as client:
        for url in ("/portal", "/portal/phan-anh", "/portal/tra-cuu", "/portal/cong-khai"):
            response = client.get(url, follow_redirects=False)
            assert response.status_code == 200, url
        english = client.get("/portal/tra-cuu?lang=en")
    assert "Look up a case" in english.text
