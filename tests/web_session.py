"""A signed-in browser for page tests: keeps its cookies and posts forms with their CSRF token."""

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD


class Browser:
    """A cookie-keeping client that signs in through the login form."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def login(self, username: str) -> "Browser":
        response = self.client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 303, response.text
        return self

    def get(self, url: str):
        return self.client.get(url)

    def csrf(self, url: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(url).text).group(1)

    def post_form(self, url: str, data: dict, *, csrf_from: str, files=None):
        return self.client.post(
            url, data={**data, "csrf_token": self.csrf(csrf_from)}, files=files, follow_redirects=False
        )
