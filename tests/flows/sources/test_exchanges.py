"""The SSE and SZSE margin clients against a loopback replay of the snapshot's exchange bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from flows.catalog import build_catalog
from flows.parse import parse_landed
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import (
    ProviderReplay,
    body,
    fast_settings,
    install,
    loopback,
    status,
)
from warehouse.seeds import sessions

START, END = date(2026, 1, 5), date(2026, 1, 30)
SPECS = [spec for spec in build_catalog(START, END) if spec.provider in ("sse", "szse")]
DAYS = sessions("XSHG", START, END)


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


@pytest.fixture
def replay(server: HTTPServer) -> ProviderReplay:
    return ProviderReplay(SNAPSHOT)


def _land(server: HTTPServer, replay: ProviderReplay, root: Path) -> list[str]:
    return land_all(fast_settings(install(server, replay)), LandingZone(root), SPECS)


def test_one_sse_request_per_window_one_szse_request_per_session(
    server: HTTPServer, replay: ProviderReplay, tmp_path: Path
) -> None:
    assert _land(server, replay, tmp_path) == []

    sse = replay.hits_for("sse/margin/SSE.json")
    assert [(h.args["beginDate"], h.args["endDate"]) for h in sse] == [("20260105", "20260130")]
    szse = [hit for hit in replay.hits if hit.host == "szse"]
    assert sorted(hit.args["txtDate"] for hit in szse) == [day.isoformat() for day in DAYS]
    assert {hit.referer for hit in sse} == {"https://www.sse.com.cn/"}
    assert {hit.referer for hit in szse} == {
        "https://www.szse.cn/disclosure/margin/margin/index.html"}

    landed = json.loads((tmp_path / "sse/margin/SSE.json").read_bytes())
    assert [row["opDate"] for row in landed["result"]][-1] == "20260105"
    meta = json.loads((tmp_path / f"szse/margin/{END}.json.meta.json").read_bytes())
    assert meta["origin"] == "recorded" and meta["http_status"] == 200
    assert meta["request"]["params"]["txtDate"] == END.isoformat()

    frames, report = parse_landed(LandingZone(tmp_path), SPECS)
    assert report.errors == []
    margin = frames["margin"]
    assert margin.group_by("exchange").len().sort("exchange").rows() == [
        ("SSE", len(DAYS)), ("SZSE", len(DAYS))]


def test_a_gbk_szse_day_fails_alone_with_its_body_kept(
    server: HTTPServer, replay: ProviderReplay, tmp_path: Path
) -> None:
    day = "2026-01-21"
    replay.script(f"szse/margin/{day}.json",
                  forever=body(lambda raw: raw.decode("utf-8").encode("gbk")))
    assert _land(server, replay, tmp_path) == []

    frames, report = parse_landed(LandingZone(tmp_path), SPECS)
    [error] = report.errors
    assert error.startswith("szse/margin_szse [SZSE]: body is not UTF-8")
    assert f"body kept at {tmp_path / 'szse/margin' / day}.json" in error
    assert (tmp_path / f"szse/margin/{day}.json").read_bytes() == replay.served[
        f"szse/margin/{day}.json"]
    szse = frames["margin"].filter(exchange="SZSE")
    assert szse.height == len(DAYS) - 1 and date(2026, 1, 21) not in szse["trade_date"]


def test_an_sse_503_is_retried_and_an_html_block_page_is_kept_under_errors(
    server: HTTPServer, replay: ProviderReplay, tmp_path: Path
) -> None:
    replay.script("sse/margin/SSE.json", status(503), status(403, b"<html>Forbidden</html>"))
    errors = _land(server, replay, tmp_path)

    [error] = errors
    assert error.startswith("sse/margin_sse/SSE: GET ") and "HTTP 403 is not retried" in error
    assert (tmp_path / "errors/sse/margin/SSE.json").read_bytes() == b"<html>Forbidden</html>"
    meta = json.loads((tmp_path / "errors/sse/margin/SSE.json.meta.json").read_bytes())
    assert meta["attempts"] == 2 and meta["retries"] == ["attempt 1: HTTP 503"]
    assert all(LandingZone(tmp_path).complete(spec) for spec in SPECS if spec.provider == "szse")
