"""The few GitHub REST requests collection needs: list an organisation's repositories, comment on a commit.

Requests go through an `Http` function (urllib by default) so that tests check each request
against recorded responses, with no network. The token is sent only to the API's own origin:
a pagination link elsewhere is refused, and no message or file carries it.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from grader.errors import GraderError

API = "https://api.github.com"
API_VERSION = "2022-11-28"


@dataclass(frozen=True)
class Response:
    """An HTTP response: status, headers (lower-case names) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


Http = Callable[[str, str, Mapping[str, str], "bytes | None"], Response]  # (method, url, headers, body)


def urllib_http(method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> Response:
    """Send one request with the standard library; an HTTP error status is a Response too."""
    request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, reply.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
    except urllib.error.URLError as error:
        raise GraderError(f"GitHub cannot be reached at {urlsplit(url).netloc} ({error.reason}).") from None


def next_link(headers: Mapping[str, str]) -> str | None:
    """The rel="next" URL of a Link header (GitHub's pagination), if any."""
    for part in headers.get("link", "").split(","):
        found = re.match(r'\s*<([^>]+)>\s*;\s*rel="next"', part)
        if found:
            return found.group(1)
    return None


@dataclass
class GitHub:
    """A client of GitHub's REST API with one token."""

    token: str
    http: Http = urllib_http
    api: str = API

    def _headers(self) -> dict[str, str]:
        return {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "course-toolkit-collect",
        }

    def _send(self, method: str, url: str, payload: dict[str, Any] | None, what: str) -> Response:
        if urlsplit(url)[:2] != urlsplit(self.api)[:2]:
            raise GraderError(
                f"GitHub sent a link to {urlsplit(url).netloc}; the token goes to {self.api} only."
            )
        headers = self._headers()
        body = None
        if payload is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(payload).encode()
        response = self.http(method, url, headers, body)
        if response.status >= 400:
            raise GraderError(f"{what}: {_explain(response)}")
        return response

    def org_repositories(self, org: str) -> list[dict[str, Any]]:
        """Every repository of an organisation (GET /orgs/{org}/repos, all pages).

        Raises:
            GraderError: if the token is refused, the organisation is unknown, or a page is not JSON.
        """
        url: str | None = f"{self.api}/orgs/{quote(org, safe='')}/repos?type=all&per_page=100"
        found: list[dict[str, Any]] = []
        while url:
            response = self._send("GET", url, None, f"listing the repositories of {org}")
            try:
                page = json.loads(response.body)
            except ValueError:
                raise GraderError(f"listing the repositories of {org}: GitHub did not answer JSON.") from None
            if not isinstance(page, list):
                raise GraderError(f"listing the repositories of {org}: GitHub did not answer a list.")
            found += [item for item in page if isinstance(item, dict)]
            url = next_link(response.headers)
        return found

    def comment_on_commit(self, full_name: str, commit: str, body: str) -> str:
        """Post `body` as a comment on a commit (POST /repos/{owner}/{repo}/commits/{sha}/comments).

        Returns:
            the comment's html_url.
        """
        url = f"{self.api}/repos/{quote(full_name, safe='/')}/commits/{commit}/comments"
        response = self._send("POST", url, {"body": body}, f"commenting on {full_name}@{commit[:7]}")
        try:
            answer = json.loads(response.body or b"{}")
        except ValueError:
            return ""  # posted; GitHub's answer is only used for the link
        return str(answer.get("html_url", "")) if isinstance(answer, dict) else ""


def _explain(response: Response) -> str:
    try:
        message = str(json.loads(response.body).get("message", ""))
    except (ValueError, AttributeError):
        message = ""
    hints = {
        401: "GitHub refused the token in GITHUB_TOKEN; make a new one",
        403: "the token may not do this, or the rate limit is spent; check its scopes (repo) and retry later",
        404: "not found, or the token cannot see it; check the name and the token's access",
    }
    hint = hints.get(response.status, "GitHub answered an error")
    return f"{hint} (HTTP {response.status}{': ' + message if message else ''})."
