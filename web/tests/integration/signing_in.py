"""A browser signing in through the gateway at the real identity service: a cookie jar
(requests) that follows the redirects and fills in the identity service's forms."""

import base64
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from testkit.forms import form_fields

PASSWORD = "correct horse battery staple"


def new_email() -> str:
    return f"customer-{secrets.token_hex(6)}@example.com"


def claims_of(jwt: str) -> dict[str, Any]:
    """A JWT's payload, unverified: for asserting who a forwarded token speaks for."""
    payload = jwt.split(".")[1]
    padded = payload + "=" * (-len(payload) % 4)
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return decoded


@dataclass
class Browser:
    """One browser profile against one gateway."""

    gateway: str
    verify: str | bool = True
    jar: requests.Session = field(default_factory=requests.Session)
    answers: list[requests.Response] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The machine's REQUESTS_CA_BUNDLE would otherwise win over `verify`.
        self.jar.trust_env = False
        self.jar.verify = self.verify
        self.jar.hooks["response"].append(lambda answer, **_: self.answers.append(answer))

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.jar.get(self.gateway + path, allow_redirects=False, **kwargs)

    def write(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        csrf: bool = True,
        origin: str | None = "own",
        **headers: str,
    ) -> requests.Response:
        """A state-changing request as the page sends it: its Origin and the CSRF token."""
        sent = dict(headers)
        if origin is not None:
            sent["Origin"] = self.gateway if origin == "own" else origin
        if csrf:
            sent["X-CSRF-Token"] = self.me()["csrfToken"] or ""
        return self.jar.request(
            method, self.gateway + path, json=body, headers=sent, allow_redirects=False
        )

    def me(self) -> dict[str, Any]:
        answer = self.get("/auth/me")
        assert answer.status_code == 200, answer.text
        me: dict[str, Any] = answer.json()
        return me

    def sign_up(self, email: str, password: str = PASSWORD) -> requests.Response:
        """Through the gateway's sign-up link and the identity service's form; the answer
        of the gateway's callback."""
        page = self._follow(self.get("/auth/sign-up?returnTo=/%3Ftab%3Dorders"))
        assert urlsplit(page.url).path == "/sign-up", page.url
        return self._submit(page, "/sign-up", email, password)

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Response:
        page = self._follow(self.get("/auth/login"))
        assert urlsplit(page.url).path == "/sign-in", page.url
        return self._submit(page, "/sign-in", email, password)

    def _submit(
        self, page: requests.Response, action: str, email: str, password: str
    ) -> requests.Response:
        target = urlsplit(page.url)._replace(path=action, query="").geturl()
        answer = self.jar.post(
            target,
            data={**form_fields(page.text), "email": email, "password": password},
            allow_redirects=False,
        )
        # Back through /authorize to the gateway's callback, which is not followed.
        while answer.status_code in (302, 303) and not answer.headers["location"].startswith(
            self.gateway
        ):
            answer = self.jar.get(
                urljoin(answer.url, answer.headers["location"]), allow_redirects=False
            )
        assert answer.status_code in (302, 303), answer.text
        callback = self.jar.get(answer.headers["location"], allow_redirects=False)
        return callback

    def _follow(self, answer: requests.Response) -> requests.Response:
        while answer.status_code in (302, 303):
            answer = self.jar.get(
                urljoin(answer.url, answer.headers["location"]), allow_redirects=False
            )
        return answer

    def session_cookie(self) -> str | None:
        for cookie in self.jar.cookies:
            if cookie.name.endswith("shopstack-session"):
                return cookie.value
        return None

    def everything_received(self) -> str:
        """Every header and body this browser was answered with, as one text."""
        return "\n".join(f"{answer.headers}\n{answer.text}" for answer in self.answers)


def stored_sessions(sessions_file: Path) -> list[dict[str, Any]]:
    """The gateway's SQLite session records, decoded: what a test checks tokens against."""
    with sqlite3.connect(sessions_file) as db:
        rows = db.execute("SELECT record FROM gateway_records WHERE kind = 'session'").fetchall()
    return [json.loads(row[0]) for row in rows]
