"""The polite client against a loopback replay of the bundled snapshot, with faults injected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests.adapters import HTTPAdapter

from flows.catalog import build_catalog
from flows.sources import registry
from flows.sources.extract import land_all
from flows.sources.http import (
    Fetched,
    FetchFailed,
    HttpClient,
    RateLimiter,
    retry_after_seconds,
)
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import (
    ProviderReplay,
    body,
    fast_settings,
    install,
    loopback,
    reset,
    slow,
    status,
)

WINDOW = (date(2026, 1, 20), date(2026, 1, 30))
CATALOG = build_catalog(*WINDOW)
STAR50 = next(s for s in CATALOG if s.subject == "STAR50")
NDX = next(s for s in CATALOG if s.subject == "NDX")


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


@pytest.fixture
def replay(server: HTTPServer) -> tuple[ProviderReplay, dict[str, str]]:
    handler = ProviderReplay(SNAPSHOT)
    return handler, install(server, handler)


def _empty_klines(raw: bytes) -> bytes:
    doc = json.loads(raw)
    doc["data"]["klines"] = []
    return json.dumps(doc).encode()


def _fetch(urls: dict[str, str], spec: RequestSpec, **overrides: object) -> Fetched:
    client = HttpClient(fast_settings(urls, **overrides))
    try:
        return client.fetch(spec)
    finally:
        client.close()


def test_a_clean_answer_is_the_window_asked_for(replay: tuple[ProviderReplay, dict[str, str]]
                                                 ) -> None:
    handler, urls = replay
    fetched = HttpClient(fast_settings(urls)).fetch(STAR50)
    klines = json.loads(fetched.body)["data"]["klines"]
    assert (fetched.status, fetched.attempts, fetched.retries) == (200, 1, [])
    assert klines[0].startswith("2026-01-20") and klines[-1].startswith("2026-01-30")
    assert fetched.headers["content-type"].startswith("application/json")
    assert handler.hits_for(STAR50.path)[0].args["beg"] == "20260120"


def test_server_errors_are_retried_until_an_answer(
        replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(STAR50.path, status(500), status(503))
    fetched = _fetch(urls, STAR50)
    assert fetched.attempts == 3
    assert fetched.retries == ["attempt 1: HTTP 500", "attempt 2: HTTP 503"]
    assert len(handler.hits_for(STAR50.path)) == 3


def test_retry_after_holds_back_the_retry(replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(NDX.path, status(429, b"slow down", headers={"Retry-After": "1"}))
    fetched = _fetch(urls, NDX)
    first, second = handler.hits_for(NDX.path)
    assert fetched.attempts == 2
    assert second.at - first.at >= 1.0


def test_a_huge_retry_after_is_capped(replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(NDX.path, status(503, headers={"Retry-After": "3600"}))
    _fetch(urls, NDX, retry_after_max_seconds=0.2)
    first, second = handler.hits_for(NDX.path)
    assert 0.2 <= second.at - first.at < 5


def test_retry_after_as_an_http_date() -> None:
    later = datetime.now(UTC) + timedelta(seconds=30)
    waited = retry_after_seconds(format_datetime(later, usegmt=True))
    assert waited is not None and 28 <= waited <= 30
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("soon") is None


def test_timeouts_and_resets_are_retried(replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(STAR50.path, slow(1.0), reset())
    fetched = _fetch(urls, STAR50, read_timeout=0.3)
    assert fetched.attempts == 3
    assert fetched.retries == ["attempt 1: ReadTimeout", "attempt 2: ConnectionError"]


def test_latency_within_the_read_timeout_is_no_failure(
        replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(STAR50.path, slow(0.2))
    assert _fetch(urls, STAR50, read_timeout=2.0).attempts == 1


def test_throttled_empty_answers_are_retried(
        replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(STAR50.path, body(_empty_klines), body(_empty_klines))
    fetched = _fetch(urls, STAR50)
    assert fetched.attempts == 3
    assert fetched.retries[-1] == "attempt 2: throttled (HTTP 200, no rows)"
    assert json.loads(fetched.body)["data"]["klines"]


def test_giving_up_keeps_the_last_answer(replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    handler.script(STAR50.path, forever=status(502, page))
    with pytest.raises(FetchFailed) as caught:
        _fetch(urls, STAR50)
    assert caught.value.detail.startswith("gave up after 3 attempts, last: HTTP 502")
    assert caught.value.response is not None and caught.value.response.body == page
    assert len(handler.hits_for(STAR50.path)) == 3


def test_a_client_error_is_not_retried(replay: tuple[ProviderReplay, dict[str, str]]) -> None:
    handler, urls = replay
    handler.script(STAR50.path, status(404, b"not found"))
    with pytest.raises(FetchFailed, match="HTTP 404 is not retried"):
        _fetch(urls, STAR50)
    assert len(handler.hits_for(STAR50.path)) == 1


def test_nothing_listening_is_a_connection_error() -> None:
    urls = {f"CNTECH_{h.upper()}_BASE_URL": "http://127.0.0.1:9" for h in registry.hosts()}
    with pytest.raises(FetchFailed, match="last: ConnectionError") as caught:
        _fetch(urls, STAR50, max_attempts=2)
    assert caught.value.response is None


def test_one_session_and_limiter_per_host() -> None:
    client = HttpClient(fast_settings({f"CNTECH_{h.upper()}_BASE_URL": "http://127.0.0.1:9"
                                       for h in registry.hosts()}))
    kline, chart = client.session_for("eastmoney_kline"), client.session_for("yahoo")
    assert client.session_for("eastmoney_kline") == kline
    assert kline[0] is not chart[0] and kline[1] is not chart[1]
    adapter = kline[0].get_adapter("http://x")
    assert isinstance(adapter, HTTPAdapter)
    assert adapter.poolmanager.connection_pool_kw["maxsize"] == 4
    client.close()


def _shortest_span(starts: list[float], gaps: int) -> float:
    """The shortest time any ``gaps + 1`` consecutive requests took to start."""
    return min(b - a for a, b in zip(starts, starts[gaps:], strict=False))


def test_the_rate_limit_holds_per_host(replay: tuple[ProviderReplay, dict[str, str]],
                                       tmp_path: Path) -> None:
    handler, urls = replay
    errors = land_all(fast_settings(urls, requests_per_second=40.0, max_concurrency=6,
                                    host_rate_limits={"yahoo": 20.0}),
                      LandingZone(tmp_path), CATALOG)
    assert errors == []
    kline, chart = handler.starts("eastmoney_kline"), handler.starts("yahoo")
    assert len(kline) == 29 and len(chart) == 27
    # The server sees the limiter's spacing up to thread scheduling: 50 ms of slack. Throughput
    # is benchmarks/bench_extract.py's business; here the mix of hosts decides it.
    assert _shortest_span(kline, 20) >= 20 / 40 - 0.05
    assert _shortest_span(chart, 20) >= 20 / 20 - 0.05


def test_the_limiter_spaces_starts_with_bounded_jitter() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(10.0, jitter=0.1, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert len(slept) == 4 and all(0.1 <= gap <= 0.11 for gap in slept)
    limiter.push_back(2.0)
    assert limiter.wait() == pytest.approx(2.0)
