"""A Hong Kong half day with Yahoo's placeholder bars, replayed live over loopback.

Yahoo serves Tencent's half-day sessions (Lunar New Year's Eve 2025-01-28, Christmas and New
Year's Eves) as flat bars with volume 0, and fills the Lunar New Year holiday with flat bars at
the last close. The run must publish (exit 0) exactly the marts of the bundled snapshot, whose
builder repaired those rows by hand, and say in its summary which placeholders it dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import LOOPBACK_RATE, ProviderReplay, body, install, loopback
from warehouse.marts import MARTS

TENCENT = "yahoo/chart/0700.HK.json"
HALF_DAYS = ("2024-12-24", "2024-12-31", "2025-01-28", "2025-12-24", "2025-12-31")
LUNAR_NEW_YEAR = (date(2025, 1, 29), date(2025, 1, 30), date(2025, 1, 31))
HK_OPEN = timedelta(hours=1, minutes=30)  # 09:30 in Hong Kong, as Yahoo stamps a session


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


def as_yahoo_serves_it(raw: bytes) -> bytes:
    """Half days flat with volume 0, and a flat zero-volume bar on each holiday."""
    doc = json.loads(raw)
    result = doc["chart"]["result"][0]
    quote = result["indicators"]["quote"][0]
    for at, stamp in enumerate(result["timestamp"]):
        if datetime.fromtimestamp(stamp, UTC).date().isoformat() in HALF_DAYS:
            for name in ("open", "high", "low"):
                quote[name][at] = quote["close"][at]
            quote["volume"][at] = 0
    for day in LUNAR_NEW_YEAR:
        stamp = int((datetime(day.year, day.month, day.day, tzinfo=UTC) + HK_OPEN).timestamp())
        at = next(i for i, t in enumerate(result["timestamp"]) if t > stamp)
        result["timestamp"].insert(at, stamp)
        for name in ("open", "high", "low", "close"):
            quote[name].insert(at, quote["close"][at - 1])
        quote["volume"].insert(at, 0)
    return json.dumps(doc).encode()


def _digest(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {mart: hashlib.sha256(json.dumps(con.execute(
            f"SELECT * FROM {mart} ORDER BY ALL").fetchall(), default=str).encode()).hexdigest()
            for mart in MARTS}


def test_half_days_and_holiday_placeholders_publish_what_the_repaired_snapshot_does(
    published: RunResult, server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert published.published is not None
    replay = ProviderReplay(SNAPSHOT)
    settings = {**install(server, replay), "CNTECH_REQUESTS_PER_SECOND": LOOPBACK_RATE,
                "CNTECH_MAX_CONCURRENCY": "8", "CNTECH_BACKOFF_BASE_SECONDS": "0.01"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    replay.script(TENCENT, forever=body(as_yahoo_serves_it))

    result = CliRunner().invoke(app, ["run", "--source", "live", "--as-of", "2026-01-30",
                                      "--data-dir", str(tmp_path / "data")])

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("security_bars: 3 placeholder bar(s) dropped (flat, no volume, on a day the series "
            "did not trade): 00700.HK 2025-01-29 (closed), 2025-01-30 (closed), 2025-01-31 "
            "(closed)") in said
    assert "5 flat bar(s) without volume on early-close sessions kept as close-only" in said
    served = json.loads(replay.served[TENCENT])["chart"]["result"][0]
    assert len(served["timestamp"]) == len(json.loads((SNAPSHOT / TENCENT).read_bytes())[
        "chart"]["result"][0]["timestamp"]) + 3
    assert _digest(tmp_path / "data" / "marts.duckdb") == _digest(published.published)
