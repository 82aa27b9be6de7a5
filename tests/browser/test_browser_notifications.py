"""The bell in a real browser: the demo's officer sees how many notifications are unread, opens them, reads all."""

import re

import pytest

from tests.browser_support import demo_database_url, sign_in
from tests.processes import api_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A uvicorn process on a fresh SQLite database with the demo data (whose cases notified their people)."""
    with api_server(demo_database_url(tmp_path_factory.mktemp("bell")), "browser-test-secret") as base:
        yield base


def test_the_bell_counts_unread_notifications_and_opens_the_list_where_all_can_be_marked_read(browser, server, shots):
    page = sign_in(browser, server, "officer1")
    count = int(page.inner_text("#bell .bell__count"))
    assert count > 0, "the demo's new tasks notified officer1"
    page.click("#bell")
    page.wait_for_url(re.compile(r".*/notifications$"))
    assert page.locator("#notifications .notification--unread").count() == min(count, 100)
    first = page.locator("#notifications .notification a").first
    assert re.match(r"^/(tasks|cases)/", first.get_attribute("href"))
    assert "PA-" in first.inner_text() or "KN-" in first.inner_text() or "-20" in first.inner_text()
    page.screenshot(path=shots / "notifications.png", full_page=True)
    page.click("#mark-all-read")
    page.wait_for_url(re.compile(r".*/notifications\?marked=\d+"))
    assert page.inner_text("#bell .bell__count") == "0"
    assert page.locator("#notifications .notification--unread").count() == 0
    first.click()
    page.wait_for_load_state()
    assert re.search(r"/(tasks|cases)/", page.url)
