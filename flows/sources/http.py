"""A polite HTTP client: one session per host, a rate limit with jitter, bounded retries."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
from requests.adapters import HTTPAdapter

from flows.settings import Settings
from flows.sources import registry
from flows.sources.request import RequestSpec

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
KEPT_HEADERS = frozenset({
    "age", "cache-control", "content-encoding", "content-length", "content-type", "date",
    "etag", "last-modified", "retry-after", "server",
})
TRANSIENT = (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError)


class RateLimiter:
    """Spaces request starts at least ``1/rate`` seconds apart, plus up to ``jitter`` of that."""

    def __init__(
        self,
        rate: float,
        jitter: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.jitter = jitter
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this caller may start a request; returns the seconds waited."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval * (1 + random.uniform(0, self.jitter))
        delay = start - now
        if delay > 0:
            self.sleep(delay)
        return max(delay, 0.0)

    def push_back(self, seconds: float) -> None:
        """Nobody starts before ``seconds`` from now (a Retry-After, a backoff)."""
        with self._lock:
            self._next = max(self._next, self.clock() + seconds)


@dataclass
class Fetched:
    """A final HTTP answer with what the manifest records about how it was obtained."""

    body: bytes
    url: str
    status: int
    headers: dict[str, str]
    attempts: int
    fetched_at: str
    retries: list[str] = field(default_factory=list)


class FetchFailed(Exception):
    """No usable answer: ``response`` is the last one that arrived, if any, so it can be kept."""

    def __init__(self, message: str, response: Fetched | None) -> None:
        super().__init__(message)
        self.detail = message
        self.response = response


class HttpClient:
    """Fetch request specs from their provider, retrying only what is worth retrying.

    Timeouts, connection errors, 429/5xx and throttled-empty answers are retried up to
    ``max_attempts`` times. Every retry pushes the host's next request back, by the server's
    ``Retry-After`` when it sends one (capped) or by an exponential backoff otherwise, so the
    other workers on that host slow down too instead of hammering a struggling server.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._sessions: dict[str, requests.Session] = {}
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def session_for(self, host: str) -> tuple[requests.Session, RateLimiter]:
        """The one pooled session and rate limiter every request to ``host`` shares."""
        with self._lock:
            if host not in self._sessions:
                session = requests.Session()
                session.headers["User-Agent"] = self.settings.user_agent
                adapter = HTTPAdapter(pool_connections=1,
                                      pool_maxsize=self.settings.max_concurrency, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                self._sessions[host] = session
                self._limiters[host] = RateLimiter(self.settings.rate_limit(host),
                                                   self.settings.rate_jitter)
            return self._sessions[host], self._limiters[host]

    def close(self) -> None:
        """Close every pooled connection."""
        for session in self._sessions.values():
            session.close()

    def url(self, spec: RequestSpec) -> str:
        """The request URL without its query string, as the manifest records it."""
        return self.settings.base_url(spec.host) + spec.url_path

    def fetch(self, spec: RequestSpec) -> Fetched:
        """GET ``spec``: the final 200 answer (possibly still throttled-empty) or FetchFailed."""
        session, limiter = self.session_for(spec.host)
        provider = registry.provider(spec.provider).client
        url = self.url(spec)
        attempts = self.settings.max_attempts
        retries: list[str] = []
        last: Fetched | None = None
        for attempt in range(1, attempts + 1):
            limiter.wait()
            try:
                response = session.get(
                    url, params=spec.params, headers=provider.headers(spec),
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                )
                body = response.content
            except TRANSIENT as exc:
                retries.append(f"attempt {attempt}: {type(exc).__name__}")
                if attempt < attempts:
                    limiter.push_back(self._backoff(attempt))
                continue
            last = Fetched(
                body=body, url=response.url, status=response.status_code,
                headers={k.lower(): v for k, v in response.headers.items()
                         if k.lower() in KEPT_HEADERS},
                attempts=attempt, fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                retries=list(retries),
            )
            if response.status_code in RETRY_STATUS:
                retries.append(f"attempt {attempt}: HTTP {response.status_code}")
                if attempt < attempts:
                    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
                    limiter.push_back(self._backoff(attempt) if retry_after is None
                                      else min(retry_after, self.settings.retry_after_max_seconds))
                continue
            if response.status_code != 200:
                raise FetchFailed(f"HTTP {response.status_code} is not retried", last)
            if provider.looks_throttled(spec, body) and attempt < attempts:
                retries.append(f"attempt {attempt}: throttled (HTTP 200, no rows)")
                limiter.push_back(self._backoff(attempt))
                continue
            return last
        # ``last`` is the last answer that arrived, kept even if a timeout followed it.
        raise FetchFailed(f"gave up after {attempts} attempts, last: "
                          f"{retries[-1].split(': ', 1)[1]} ({'; '.join(retries)})", last)

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff_base_seconds * 2 ** (attempt - 1)
        return min(self.settings.backoff_max_seconds, base) * (
            1 + random.uniform(0, self.settings.rate_jitter))


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
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
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
