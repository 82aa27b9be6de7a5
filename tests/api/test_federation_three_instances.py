"""Three real instances — the city and two districts, separate processes and databases — working together: a
petition transferred from the city to district A is resolved there and its result closes the city's case; the same
matter filed at district B is flagged with A's code; the city's yearly report is its own figures plus A's and B's."""

from contextlib import ExitStack
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from engine.core.db import transaction
from engine.core.models import HumanTask, Unit
from engine.core.settings import Settings
from engine.federation.outbox import deliver_outbox
from engine.federation.upward_reports import send_reports_upward
from engine.people.auth import create_user
from engine.reports.periodic import produce_periodic_reports
from engine.services import build_services
from tests.factories import INTAKE, PASSWORD, TEST_SECRET_KEY
from tests.federation import VAULT, factory_of, make_instance, other_database, register
from tests.petitions import petition_data
from tests.processes import api_server

FEDERATION_KEY = "khoa-lien-thong-dung-chung-cua-thanh-pho-ho-chi-minh"
NAMES = ("thanh-pho", "quan-a", "quan-b")


class Instance:
    """One running instance: its database, its server and a signed-in REST client per user."""

    def __init__(self, name: str, url: str, base: str) -> None:
        self.name, self.url, self.base, self.factory = name, url, base, factory_of(url)
        self._tokens: dict[str, str] = {}

    def call(self, method: str, path: str, username: str = "officer1", **kwargs) -> httpx.Response:
        if username not in self._tokens:
            answer = httpx.post(f"{self.base}/api/auth/token", data={"username": username, "password": PASSWORD})
            self._tokens[username] = answer.json()["access_token"]
        headers = {"Authorization": f"Bearer {self._tokens[username]}"}
        return httpx.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)

    def ready_task(self, case_id: int, spec_name: str) -> str:
        with self.factory() as session:
            query = select(HumanTask.id).where(HumanTask.case_id == case_id, HumanTask.spec_name == spec_name,
                                               HumanTask.state == "ready")  # fmt: skip
            return session.scalars(query).one()

    def complete(self, case_id: int, spec_name: str, data: dict, username: str = "officer1") -> None:
        answer = self.call("POST", f"/api/tasks/{self.ready_task(case_id, spec_name)}/complete", username,
                           json={"data": data})  # fmt: skip
        assert answer.status_code == 200, answer.text

    def start(self, process: str, data: dict) -> int:
        answer = self.call("POST", "/api/cases", json={"process": process, "data": data})
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]


def pump(instances: list[Instance]) -> None:
    """Deliver every instance's outbox over HTTP until no message is left to deliver."""
    while sum(deliver_outbox(i.factory, VAULT, now=datetime.now(UTC)).delivered for i in instances):
        pass


def test_three_instances_transfer_flag_duplicates_and_roll_up_the_yearly_report(world, request, tmp_path):
    with ExitStack() as stack:
        urls = [world.settings.database_url] + [
            stack.enter_context(other_database(request, tmp_path, world.settings.database_url, name))
            for name in NAMES[1:]
        ]
        now = datetime.now(UTC)
        keys = {name: make_instance(factory_of(url), name, now) for name, url in zip(NAMES, urls, strict=True)}
        bases = [stack.enter_context(api_server(url, TEST_SECRET_KEY, PHANANH_FEDERATION_KEY=FEDERATION_KEY))
                 for url in urls]  # fmt: skip
        city, a, b = (Instance(n, u, base) for n, u, base in zip(NAMES, urls, bases, strict=True))
        for me in (city, a, b):
            for peer in (city, a, b):
                if peer is not me:
                    register(me.factory, name=peer.name, url=peer.base, key=keys[peer.name], now=now,
                             upward=peer is city)  # fmt: skip
        with transaction(city.factory) as session:
            top = session.scalars(select(Unit).where(Unit.code == "city")).one()
            create_user(session, username="supervisor_city", password=PASSWORD, roles=["supervisor"], units=[top])

        # the city receives a petition and transfers it to district A
        petition = city.start("petition_triage", petition_data())
        city.complete(petition, "classify_petition", {"classification": "proposal"})
        sent = city.call(
            "POST",
            f"/api/cases/{petition}/transfer",
            json={"to_peer": "quan-a", "to_unit": "d1", "reason": "Thuộc thẩm quyền của quận A"},
        )
        assert sent.status_code == 202 and sent.json()["state"] == "sent"
        pump([city, a, b])
        transfers = city.call("GET", f"/api/cases/{petition}/transfers").json()
        code_at_a = transfers[0]["other_tracking_code"]
        assert transfers[0]["state"] == "received" and code_at_a

        # A's officer sees it in A's inbox and resolves it; the result lands in the city's case, which closes
        inbox = a.call("GET", "/api/tasks").json()["items"]
        received = next(t for t in inbox if t["tracking_code"] == code_at_a)
        a.complete(received["case_id"], "classify_petition", {"classification": "proposal"})
        a.complete(received["case_id"], "decide_jurisdiction", {"decision": "accept", "reply_note": "Đã trả lời"})
        pump([city, a, b])
        assert city.call("GET", f"/api/cases/{petition}").json()["status"] == "completed"
        result = city.call("GET", f"/api/cases/{petition}/transfers").json()[0]
        assert result["state"] == "resolved" and code_at_a in result["result"]

        # the same matter filed at district B is flagged with A's code
        again = b.start("petition_triage", petition_data(title="Gửi lại đơn về cán bộ địa chính"))
        flagged = b.call("GET", f"/api/cases/{again}/handled-elsewhere").json()
        city_code = city.call("GET", f"/api/cases/{petition}").json()["tracking_code"]
        assert {(m["instance"], m["tracking_code"]) for m in flagged} == {
            ("quan-a", code_at_a),
            ("thanh-pho", city_code),
        }

        # yearly reports: each district's frozen report goes up; the city's total is its own plus A's and B's
        for instance, count in ((city, 1), (a, 2), (b, 3)):
            for _ in range(count):
                instance.start("report_1374", INTAKE)
        year = datetime.now(UTC).year
        for district in (a, b):
            services = build_services(Settings(database_url=district.url, secret_key=TEST_SECRET_KEY))
            with transaction(district.factory) as session:
                produced = produce_periodic_reports(
                    session, services.forms, closing_day=datetime(year, 12, 31).date(),
                    zone=services.calendar.zone, now=datetime.now(UTC), case_id=None,
                )  # fmt: skip
                send_reports_upward(session, produced, datetime.now(UTC))
        pump([city, a, b])
        report = city.call("GET", f"/api/federation/reports/consolidated?period={year}", "supervisor_city").json()
        assert report["missing"] == [] and len(report["columns"]) == 3
        figures = {f["key"]: f for section in report["sections"] for f in section["figures"]}
        assert figures["received"]["values"][1:] == [2, 3]
        for key, figure in figures.items():
            if not key.endswith("rate"):
                assert figure["total"] == sum(figure["values"]), key
        assert figures["petitions.received"]["total"] == sum(figures["petitions.received"]["values"])
        for instance in (city, a, b):
            instance.factory.kw["bind"].dispose()
