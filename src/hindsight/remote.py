"""The one HTTP client for the services Hindsight reads and writes: pagers, chat, incident tools, trackers.

Built on httpx. Every request carries the service's token (which comes from
the environment, never from a file in the repository):

- A `429`, or a rate limit answered as `403` the way GitHub does it (a
  `retry-after` header, or `x-ratelimit-remaining: 0` with the moment of
  `x-ratelimit-reset`), is waited out as the service says, at most `MAX_WAIT`
  seconds at a time, with a note for the user each time.
- A read (GET) that meets a `5xx` or a dropped connection is tried again
  twice. A write (POST, PATCH, PUT, DELETE) is not: it may have reached the
  service, and a second one could create a second ticket.
- `401`, `403`, `404` and every other failure become one `RemoteError` line
  that names the service and says what to do.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from typing import Any

from .errors import RemoteError

#: The longest single wait for a rate limit, in seconds; a longer one is an error (try again later).
MAX_WAIT = 120
#: Tries of one request (the first and the retries) before it fails.
TRIES = 5
USER_AGENT = "hindsight (postmortems as code)"


class Api:
    """Requests to one service, as `name` at `base_url`, with its headers (the token among them)."""

    def __init__(self, name: str, base_url: str, headers: Mapping[str, str], *, token_env: str,
                 notice: Callable[[str], None] | None = None, sleep: Callable[[float], None] = time.sleep,
                 timeout: float = 30.0, auth: tuple[str, str] | None = None,
                 not_found: str = "check the id and the base URL", forbidden: str = "give the token access to it"):
        import httpx

        self.name, self.base, self.token_env = name, base_url.rstrip("/"), token_env
        self.notice = notice or (lambda _msg: None)
        self.sleep = sleep
        self.not_found, self.forbidden = not_found, forbidden
        self.http = httpx.Client(base_url=self.base, headers={"User-Agent": USER_AGENT, **headers}, auth=auth,
                                 timeout=timeout, follow_redirects=False)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None):
        """The response to a request, after waiting out rate limits and retrying what may be retried; a
        `RemoteError` for any failure."""
        import httpx

        read = method.upper() == "GET"
        for attempt in range(1, TRIES + 1):
            try:
                response = self.http.request(method, path, params=params, json=json)
            except httpx.TransportError as e:
                if read and attempt < 3:
                    self.sleep(0.5 * attempt)
                    continue
                what = "" if read else "; the change may or may not have been made: run the command again to see"
                raise RemoteError(f"cannot reach {self.name} at {self.base} ({type(e).__name__}: {e}); check "
                                  f"the network and the base URL{what}") from None
            wait = rate_limit_wait(response, attempt)
            if wait is not None and attempt < TRIES:
                if wait > MAX_WAIT:
                    raise RemoteError(f"{self.name} asks to wait {wait:.0f} s before the next request "
                                      f"({response.status_code}, rate limit); try again later")
                self.notice(f"{self.name} is rate limiting the requests ({response.status_code}); waiting "
                            f"{wait:.0f} s")
                self.sleep(wait)
                continue
            if response.status_code >= 500 and read and attempt < 3:
                self.sleep(0.5 * attempt)
                continue
            if response.status_code >= 400:
                raise self.error(response, method, path)
            return response
        raise RemoteError(f"{self.name} kept rate limiting the requests ({TRIES} times); try again later")

    def json(self, method: str, path: str, *, params: Any = None, json: Any = None) -> Any:
        """The decoded JSON body of a request's response (None when it has none, as `204`)."""
        response = self.request(method, path, params=params, json=json)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise RemoteError(f"{self.name} answered {path} with something that is not JSON; check the base URL "
                              f"({self.base})") from None

    def get(self, path: str, params: Any = None) -> dict:
        """A GET whose answer must be a JSON object."""
        data = self.json("GET", path, params=params)
        if not isinstance(data, dict):
            raise RemoteError(f"{self.name} answered {path} with JSON that is not an object; check the base URL "
                              f"({self.base})")
        return data

    def error(self, response, method: str, path: str) -> RemoteError:
        status = response.status_code
        if status == 401:
            said = f"{self.name} refused the token (401 Unauthorized); set {self.token_env} to a valid token"
        elif status == 403:
            said = (f"{self.name} refused {method} {path} (403 Forbidden: {message(response)}); "
                    f"{self.forbidden}")
        elif status == 404:
            said = f"{self.name} has nothing at {path} (404 Not Found); {self.not_found} ({self.base})"
        else:
            said = f"{self.name} answered {method} {path} with {status}: {message(response)}"
        return RemoteError(said, status=status)


def rate_limit_wait(response, attempt: int) -> float | None:
    """Seconds to wait before trying again, when the response is a rate limit; None otherwise."""
    status, headers = response.status_code, response.headers
    if status == 429:
        return retry_after(headers.get("Retry-After"), attempt)
    if status == 403 and headers.get("retry-after"):  # GitHub's secondary rate limit
        return retry_after(headers.get("retry-after"), attempt)
    if status in (403, 429) and headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset"):
        try:
            return max(1.0, float(headers["x-ratelimit-reset"]) - time.time())
        except ValueError:
            return float(min(2 ** attempt, 60))
    return None


def retry_after(value: str | None, attempt: int) -> float:
    """A `Retry-After` header in seconds (a number, or an HTTP date); a backoff when there is none."""
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
    return float(min(2 ** attempt, 30))


def message(response) -> str:
    """What a failed response says, briefly: its error message where the body has one."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip()[:200] or response.reason_phrase
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            return str(err.get("message") or err)[:200]
        if isinstance(body.get("errorMessages"), list) and body["errorMessages"]:  # Jira
            return "; ".join(map(str, body["errorMessages"]))[:200]
        if isinstance(body.get("errors"), dict) and body["errors"]:  # Jira, by field
            return "; ".join(f"{k}: {v}" for k, v in body["errors"].items())[:200]
        details = [f"{e.get('field')}: {e.get('code') or e.get('message')}" for e in body.get("errors") or []
                   if isinstance(e, dict) and e.get("field")] if isinstance(body.get("errors"), list) else []
        if body.get("message") and details:  # GitHub's 422: which fields it refused
            return f"{body['message']} ({'; '.join(details)})"[:200]
        for key in ("message", "error", "errors"):
            if body.get(key):
                return str(body[key])[:200]
    return str(body)[:200]


__all__ = ["MAX_WAIT", "TRIES", "Api", "message", "rate_limit_wait", "retry_after"]
