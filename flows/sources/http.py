"""A polite HTTP client: one session per host, a rate limit with jitter, bounded retries."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from flows.catalog import RequestSpec
from flows.settings import Settings
from flows.sources import eastmoney, hkex, yahoo
from flows.sources.errors import ExtractionError

PROVIDERS: dict[str, Any] = {"eastmoney": eastmoney, "yahoo": yahoo, "hkex": hkex}
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class RateLimiter:
    """Spaces request starts at least ``1/rate`` seconds apart (plus up to 10 % jitter)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller may start a request."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval * (1 + random.uniform(0, 0.1))
        delay = start - self.clock()
        if delay > 0:
            time.sleep(delay)

    def push_back(self, seconds: float) -> None:
        """Honour a server's Retry-After: nobody starts before it has passed."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)


@dataclass
class Fetched:
    """A response body with what the manifest records about it."""

    body: bytes
    url: str
    status: int
    headers: dict[str, str]
    attempts: int
    fetched_at: str


class HttpClient:
    """Fetch request specs from their provider, retrying only what is worth retrying."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sessions: dict[str, requests.Session] = {}
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def _session(self, host: str) -> tuple[requests.Session, RateLimiter]:
        with self._lock:
            if host not in self._sessions:
                session = requests.Session()
                session.headers["User-Agent"] = self.settings.user_agent
                self._sessions[host] = session
                self._limiters[host] = RateLimiter(self.settings.requests_per_second)
            return self._sessions[host], self._limiters[host]

    def close(self) -> None:
        """Close every pooled connection."""
        for session in self._sessions.values():
            session.close()

    def fetch(self, spec: RequestSpec) -> Fetched:
        """GET ``spec`` with backoff on timeouts, connection errors, 429/5xx and throttling."""
        session, limiter = self._session(spec.host)
        url = self.settings.base_url(spec.host) + spec.endpoint
        provider = PROVIDERS[spec.provider]
        last_error = "no attempt made"
        for attempt in range(1, self.settings.max_attempts + 1):
            limiter.wait()
            try:
                response = session.get(
                    url, params=spec.params, headers=provider.HEADERS,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                self._backoff(attempt)
                continue
            body = response.content
            if response.status_code in RETRY_STATUS:
                last_error = f"HTTP {response.status_code}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None:
                    limiter.push_back(retry_after)
                else:
                    self._backoff(attempt)
                continue
            if response.status_code == 200 and provider.looks_throttled(spec.dataset, body):
                last_error = "throttled: HTTP 200 with an empty result"
                self._backoff(attempt)
                continue
            return Fetched(
                body=body, url=response.url, status=response.status_code,
                headers={k: v for k, v in response.headers.items()
                         if k.lower() in {"content-type", "date", "etag", "last-modified"}},
                attempts=attempt, fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
        raise ExtractionError(spec.key, f"gave up after {self.settings.max_attempts} attempts "
                              f"({last_error}) fetching {url}")

    def _backoff(self, attempt: int) -> None:
        time.sleep(min(15.0, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2))


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
