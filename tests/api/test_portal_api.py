"""The public portal over JSON: filing with a form token, the lookup, published results, and their guards.

The page and the API call the same use cases, so the checks here mirror tests/web/test_portal_*.py.
"""

from sqlalchemy import select

from engine.cases.runtime import CaseRuntime
from engine.core.models import AuditEvent, Case, CaseAccessSecret, ProcessDefinition
from tests.cases import CONCLUDE, SCREEN_IN, VERIFY, assign_data, complete
from tests.factories import World
from tests.portal import FORM_WAIT, file_on_portal, portal_client

REPORTER = {"name": "Lê Thị Người Gửi", "phone": "0911111111"}
REPORT = {
    "behaviour_group": "duty",
    "field": "land",
    "title": "Cán bộ phường đòi tiền khi xác nhận hồ sơ đất",
    "description": "Cán bộ địa chính phường yêu cầu nộp thêm tiền ngoài quy định.",
    "subject": {"name": "Nguyễn Văn Bị", "position": "Cán bộ địa chính"},
    "reporter": REPORTER,
}
PETITIONER = {"name": "Phạm Văn Người Tố", "email": "nguoito@example.org"}
PETITION = {
    "kind_claimed": "denunciation",
    "field": "construction",
    "title": "Tố cáo cán bộ cấp phép xây dựng sai quy định",
    "content": "Tôi tố cáo cán bộ phòng quản lý đô thị cấp phép sai quy định.",
    "subject": {"name": "Trần Văn Bị Tố"},
    "petitioner": PETITIONER,
}
PRIVATE = (REPORTER["name"], REPORTER["phone"], PETITIONER["name"], PETITIONER["email"], "Nguyễn Văn Bị")


def _token(client, world: World, form: str = "report") -> str:
    """A form token from the API, with the clock moved past the minimum a person takes to fill the form."""
    answer = client.get("/api/portal/form-token", params={"form": form})
    assert answer.status_code == 200, answer.text
    world.clock.advance(FORM_WAIT)
    return answer.json()["form_token"]


def _file(client, world: World, kind: str = "reports", data: dict | None = None, **extra):
    form = "report" if kind == "reports" else "petition"
    data = data if data is not None else (REPORT if kind == "reports" else PETITION)
    body = {"data": data, "form_token": _token(client, world, form), **extra}
    return client.post(f"/api/portal/{kind}", json=body)


def _case(world: World, code: str) -> Case:
    with world.factory() as session:
        return session.scalars(select(Case).where(Case.tracking_code == code)).one()


def _assert_no_identity(text: str) -> None:
    for private in PRIVATE:
        assert private not in text, f"{private!r} must never be in a REST answer"


def test_a_report_filed_over_the_api_gets_a_code_and_a_secret_and_its_reporter_is_protected(world):
    with portal_client(world) as client:
        token = client.get("/api/portal/form-token", params={"form": "report"}).json()
        world.clock.advance(FORM_WAIT)
        answer = client.post("/api/portal/reports", json={"data": REPORT, "form_token": token["form_token"]})
    assert answer.status_code == 201, answer.text
    assert token["not_before"] < token["expires_at"]
    filed = answer.json()
    assert set(filed) == {"tracking_code", "secret"}
    _assert_no_identity(answer.text)
    case = _case(world, filed["tracking_code"])
    assert case.process_key == "report_1374" and case.source == "people" and case.created_by == "portal"
    with world.factory() as session:
        data = CaseRuntime(session, world.services).current_data(case)
        identity = world.services.identities.open(session, case)
        stored = session.get(CaseAccessSecret, case.id)
        started = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).first()
    assert data["reporter"] == "(được bảo vệ)" and identity["reporter"] == REPORTER
    assert filed["secret"] not in stored.secret_hash and len(stored.secret_hash) == 64
    assert started.kind == "case_started" and started.actor == "portal"


def test_a_petition_filed_over_the_api_keeps_its_relatives_protected_and_its_channel_fixed(world):
    relatives = [{"name": "Trần Văn Chồng", "relationship": "chồng"}, {"name": "Lê Thị Con"}]
    with portal_client(world) as client:
        answer = _file(client, world, "petitions", relatives=relatives, unit_id=world.units["w21"])
    assert answer.status_code == 201, answer.text
    _assert_no_identity(answer.text)
    case = _case(world, answer.json()["tracking_code"])
    with world.factory() as session:
        data = CaseRuntime(session, world.services).current_data(case)
        identity = world.services.identities.open(session, case)
    assert case.process_key == "petition_triage" and data["channel"] == "portal" and case.unit_id == world.units["w21"]
    assert data["petitioner"] == "(được bảo vệ)" and data["relatives"] == "(được bảo vệ)"
    assert identity["relatives"] == relatives and "Trần Văn Chồng" not in case.state


def test_bad_form_data_is_refused_per_field_and_the_token_stays_usable(world):
    with portal_client(world) as client:
        token = _token(client, world)
        missing = client.post("/api/portal/reports", json={"data": {**REPORT, "title": ""}, "form_token": token})
        internal = client.post("/api/portal/reports", json={"data": {**REPORT, "source": "press"}, "form_token": token})
        no_body = client.post("/api/portal/reports", json={"form_token": token})
        corrected = client.post("/api/portal/reports", json={"data": REPORT, "form_token": token})
    assert missing.status_code == 422 and "title" in {e["field"] for e in missing.json()["errors"]}
    assert internal.status_code == 422 and [e["field"] for e in internal.json()["errors"]] == ["source"]
    assert no_body.status_code == 422 and "data" in no_body.json()["detail"]
    assert corrected.status_code == 201, "a refused form does not spend its token"
    _assert_no_identity(missing.text + internal.text)


def test_a_refused_petition_does_not_echo_the_petitioner(world):
    petitioner = {"name": PETITIONER["name"], "email": "nguoito-at-example.org"}
    with portal_client(world) as client:
        answer = _file(client, world, "petitions", {**PETITION, "petitioner": petitioner})
    assert answer.status_code == 422 and [e["field"] for e in answer.json()["errors"]] == ["petitioner.email"]
    assert petitioner["email"] not in answer.text and petitioner["name"] not in answer.text


def test_the_form_token_is_required_signed_for_its_form_not_too_fast_and_spent_once(world):
    with portal_client(world) as client:
        petition_token = _token(client, world, "petition")
        foreign = client.post("/api/portal/reports", json={"data": REPORT, "form_token": petition_token})
        forged = client.post("/api/portal/reports", json={"data": REPORT, "form_token": "abc.123.def"})
        quick = client.get("/api/portal/form-token", params={"form": "report"}).json()["form_token"]
        too_fast = client.post("/api/portal/reports", json={"data": REPORT, "form_token": quick})
        token = _token(client, world)
        first = client.post("/api/portal/reports", json={"data": REPORT, "form_token": token})
        again = client.post("/api/portal/reports", json={"data": REPORT, "form_token": token})
        unknown_form = client.get("/api/portal/form-token", params={"form": "lookup"})
        missing = client.post("/api/portal/reports", json={"data": REPORT})
    reasons = [r.json().get("reason") for r in (foreign, forged, too_fast, again)]
    assert [r.status_code for r in (foreign, forged, too_fast, again)] == [400, 400, 400, 400]
    assert reasons == ["token_invalid", "token_invalid", "too_fast", "reused"]
    assert first.status_code == 201
    assert unknown_form.status_code == 422 and "form" in unknown_form.json()["detail"]
    assert missing.status_code == 422 and "form_token" in missing.json()["detail"]


def test_filing_is_rate_limited_per_address_counted_together_with_the_page(world):
    with portal_client(world, portal_filing_limit=2) as client:
        file_on_portal(client, world)  # the page counts against the same address
        assert _file(client, world).status_code == 201
        refused = _file(client, world)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many" in refused.json()["detail"]
    with world.factory() as session:
        assert len(session.scalars(select(Case)).all()) == 2


def test_refused_filings_count_against_the_rate_limit_too(world):
    with portal_client(world, portal_filing_limit=2) as client:
        refused = [_file(client, world, data={**REPORT, "title": ""}).status_code for _ in range(2)]
        valid_but_over = _file(client, world)
    assert refused == [422, 422] and valid_but_over.status_code == 429


def test_a_process_that_is_not_deployed_gives_503_naming_it(world):
    with world.factory() as session:
        session.query(ProcessDefinition).filter(ProcessDefinition.key == "petition_triage").delete()
        session.commit()
    with portal_client(world) as client:
        answer = _file(client, world, "petitions")
    assert answer.status_code == 503 and "petition_triage" in answer.json()["detail"]


def test_the_lookup_shows_the_step_and_its_deadline_and_hides_names(world):
    with portal_client(world) as client:
        filed = _file(client, world, unit_id=world.units["d1"]).json()
        case_id = _case(world, filed["tracking_code"]).id
        complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
        complete(world, case_id, "assign_verification", "lead1", assign_data(days=10))
        body = {"tracking_code": filed["tracking_code"].lower(), "secret": filed["secret"]}
        answer = client.post("/api/portal/lookup", json=body)
    assert answer.status_code == 200, answer.text
    status = answer.json()
    assert status["tracking_code"] == filed["tracking_code"] and status["status"] == "in_progress"
    assert [(s["name"], s["deadline"], s["days"]) for s in status["steps"]] == [("Xác minh", "on_time", 10)]
    assert status["published"] is False and status["summary"] is None
    for private in (*PRIVATE, "officer1", "lead1", "đòi tiền"):
        assert private not in answer.text


def test_a_wrong_secret_and_an_unknown_code_get_the_same_404(world):
    with portal_client(world) as client:
        filed = _file(client, world).json()
        secret = filed["secret"]
        wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
        wrong_secret = client.post(
            "/api/portal/lookup", json={"tracking_code": filed["tracking_code"], "secret": wrong}
        )
        unknown = client.post("/api/portal/lookup", json={"tracking_code": "PA-1999-99999", "secret": secret})
        empty = client.post("/api/portal/lookup", json={"tracking_code": "", "secret": ""})
        bad = client.post("/api/portal/lookup", json={"tracking_code": "PA"})
    assert wrong_secret.status_code == unknown.status_code == empty.status_code == 404
    assert wrong_secret.json() == unknown.json() == empty.json()
    assert bad.status_code == 422 and "secret" in bad.json()["detail"]


def test_the_lookup_is_rate_limited_per_address(world):
    with portal_client(world, portal_lookup_limit=2) as client:
        filed = _file(client, world).json()
        body = {"tracking_code": filed["tracking_code"], "secret": filed["secret"]}
        answers = [client.post("/api/portal/lookup", json=body).status_code for _ in range(2)]
        refused = client.post("/api/portal/lookup", json=body)
    assert answers == [200, 200]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def _publish(world: World, case_id: int, summary: str) -> None:
    complete(world, case_id, "screen_report", "officer1", SCREEN_IN)
    complete(world, case_id, "assign_verification", "lead1", assign_data(days=10))
    complete(world, case_id, "verify_report", "officer1", VERIFY)
    complete(world, case_id, "conclude_verification", "officer1", CONCLUDE)
    complete(world, case_id, "approve_conclusion", "supervisor1", {"decision": "approve"})
    publicize = {"channels": ["portal"], "published_on": "2027-01-15", "summary": summary}
    complete(world, case_id, "publicize_result", "officer1", publicize)


def test_a_published_case_shows_its_publication_in_the_lookup_and_in_the_published_results(world):
    summary = "Kết luận: cán bộ địa chính vi phạm quy định về thu phí; khiển trách."
    with portal_client(world) as client:
        filed = _file(client, world, unit_id=world.units["d1"]).json()
        _publish(world, _case(world, filed["tracking_code"]).id, summary)
        status = client.post("/api/portal/lookup", json=filed).json()
        everything = client.get("/api/portal/published")
        by_unit = client.get("/api/portal/published", params={"unit": world.units["d1"], "field": "land"})
        other_unit = client.get("/api/portal/published", params={"unit": world.units["d2"]})
        other_field = client.get("/api/portal/published", params={"field": "education"})
        searched = client.get("/api/portal/published", params={"q": "THU PHÍ"})
        unknown_field = client.get("/api/portal/published", params={"field": "no-such-field"})
        bad_page = client.get("/api/portal/published", params={"p": 1, "page": 0})
    assert status["status"] == "completed" and status["published"] is True
    assert status["summary"] == summary and status["published_on"] == "2027-01-15"
    assert everything.status_code == 200
    item = everything.json()["items"][0]
    assert everything.json()["total"] == 1 and item["tracking_code"] == filed["tracking_code"]
    assert item["summary"] == summary and item["unit_name"] == "Đơn vị d1" and item["party_sanction"] == "reprimand"
    assert by_unit.json()["total"] == 1 and searched.json()["total"] == 1
    assert other_unit.json()["total"] == 0 and other_field.json()["total"] == 0
    assert unknown_field.status_code == 422 and unknown_field.json()["errors"][0]["field"] == "field"
    assert bad_page.status_code == 422 and "page" in bad_page.json()["detail"]
    _assert_no_identity(everything.text + str(status))


def test_the_portal_api_is_in_the_openapi_document(world):
    with portal_client(world) as client:
        paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/portal/reports"]["post"]["responses"]["201"]
    assert {"400", "422", "429"} <= set(paths["/api/portal/petitions"]["post"]["responses"])
    assert "404" in paths["/api/portal/lookup"]["post"]["responses"]
    assert "get" in paths["/api/portal/published"] and "get" in paths["/api/portal/form-token"]


def test_a_citizen_follows_a_case_by_email_over_rest_and_unsubscribes_with_the_token(world):
    from sqlalchemy import select

    from engine.core.models import CaseSubscription
    from tests.portal import file_on_portal, portal_client

    with portal_client(world) as client:
        code, secret = file_on_portal(client, world)
        wrong = client.post("/api/portal/subscriptions", json={"tracking_code": code, "secret": "x", "email": "a@b.vn"})
        assert wrong.status_code == 404
        bad = client.post("/api/portal/subscriptions", json={"tracking_code": code, "secret": secret, "email": "ab"})
        assert bad.status_code == 400 and "e-mail" in bad.json()["detail"]
        done = client.post(
            "/api/portal/subscriptions", json={"tracking_code": code, "secret": secret, "email": "dan@vi.du"}
        )
        assert done.status_code == 204
        with world.factory() as session:
            token = session.scalars(select(CaseSubscription.unsubscribe_token)).one()
        assert client.delete(f"/api/portal/subscriptions/{token}").status_code == 204
        with world.factory() as session:
            assert session.scalars(select(CaseSubscription)).first() is None
