"""In Chromium, as each person of each step: a 1374 report, a complaint and a denunciation walked to their end show
no raw enum code of any form, no task spec id and no username of a named person on any page visited.

The steps are completed over the REST API (which takes usernames); every page is visited in the browser, signed
in as the person who does the step. The codes come from forms/ and processes/ (tests/raw_codes.py).
"""

import re
from datetime import datetime

import httpx
import pytest

from engine.demo import DEMO_USERS, INTAKE
from tests import complaints
from tests.browser_support import DEMO_PASSWORD, demo_database_url, sign_in
from tests.petitions import ZONE, petition
from tests.processes import api_server
from tests.raw_codes import raw_words
from tests.walks import LANE_PEOPLE, STEP_DATA

NAMED = {username for username, full_name, _roles in DEMO_USERS if full_name} | {"custodian1"}
STARTS = {
    "report_1374": {**INTAKE, "title": "Cán bộ phường gây khó dễ", "description": "Phản ánh qua báo."},
    "complaint": petition(kind="complaint"),
    "denunciation": petition(kind="denunciation"),
}
BROWSER_STEPS = {**STEP_DATA, "record_second_instance_request": complaints.REQUEST}


def on_or_before_today(spec_name: str) -> dict:
    """A step's sample data; the server runs on the real clock, and refuses an acceptance date in the future."""
    data = BROWSER_STEPS[spec_name]
    today = datetime.now(ZONE).date().isoformat()
    return {**data, "accepted_on": today} if str(data.get("accepted_on", "")) > today else data


"""On a live server the clock cannot jump past the complaint's window: the complainant asks for a second instance,
which closes the first."""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on a fresh SQLite database with the demo data."""
    with api_server(demo_database_url(tmp_path_factory.mktemp("human-values")), "browser-test-secret") as base:
        yield base


class Rest:
    """The REST API as the demo people (one token each)."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=30)
        self.tokens: dict[str, str] = {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client.post("/api/auth/token", data={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def post(self, url: str, username: str, data: dict) -> dict:
        response = self.client.post(url, headers=self.headers(username), json=data)
        assert response.status_code in (200, 201), (url, response.text)
        return response.json()

    def open_tasks(self, case_id: int) -> list[dict]:
        response = self.client.get(f"/api/cases/{case_id}", headers=self.headers("supervisor1"))
        assert response.status_code == 200, response.text
        return response.json()["open_tasks"]


@pytest.mark.parametrize("process_key", ["report_1374", "complaint", "denunciation"])
def test_each_person_sees_labels_and_names_on_every_page_of_a_case_walked_to_its_end(browser, server, process_key):
    rest = Rest(server)
    pages: dict[str, object] = {}
    found: dict[str, list[str]] = {}

    def look(username: str, url: str) -> None:
        if username not in pages:
            pages[username] = sign_in(browser, server, username)
        page = pages[username]
        page.goto(url)
        if url.startswith("/cases/"):
            page.wait_for_selector("#diagram[data-ready=true]")
        raw = raw_words(page.inner_text("body"), NAMED)
        if raw:
            found[f"{username} {url}"] = raw

    case_id = rest.post("/api/cases", "officer1", {"process": process_key, "data": STARTS[process_key]})["id"]
    for _ in range(20):
        tasks = rest.open_tasks(case_id)
        if not tasks:
            break
        task = tasks[0]
        username = task["assignee"] or LANE_PEOPLE[task["lane"] or "officer"]
        look(username, "/inbox")
        look(username, f"/tasks/{task['id']}")
        rest.post(f"/api/tasks/{task['id']}/complete", username, {"data": on_or_before_today(task["spec_name"])})
        look(username, f"/cases/{case_id}?done={task['spec_name']}")
        banner = pages[username].inner_text("#done-banner")
        assert task["spec_name"] not in banner and re.match(r"Đã hoàn thành bước: \w", banner), banner
    assert rest.open_tasks(case_id) == [], "the case is finished"
    look("supervisor1", f"/cases/{case_id}")
    look("supervisor1", "/cases")
    look("supervisor1", "/overview")
    assert found == {}
    assert "Lãnh đạo" in pages["supervisor1"].inner_text("header .who"), "the header names the role"
