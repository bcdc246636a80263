"""``--source live`` end to end against a loopback replay of the bundled snapshot.

The loopback server answers every provider request from the snapshot's bodies, cut to the
window asked for, so a live run must publish exactly the marts the snapshot replay publishes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from flows.catalog import build_catalog
from flows.cli import EXIT_EXTRACTION, app
from flows.nightly import RunResult, nightly
from tests.conftest import SNAPSHOT
from tests.flows.nights import PACE, LiveNight
from tests.flows.publishing import copy_data_dir
from tests.flows.sources.replay import ProviderReplay, body, install, loopback
from warehouse.marts import MARTS

AS_OF = date(2026, 1, 30)
FULL = build_catalog(date(2024, 12, 2), AS_OF)
PAGED = {"eastmoney/datacenter/RPT_WEB_RESPREDICT/CN.json",
         "eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json"}


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


@pytest.fixture
def providers(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> ProviderReplay:
    """Every provider base URL pointed at a fresh replay, with fast but polite settings."""
    replay = ProviderReplay(SNAPSHOT)
    for name, value in {**install(server, replay), **PACE}.items():
        monkeypatch.setenv(name, value)
    return replay


def _mart_digest(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            mart: hashlib.sha256(json.dumps(
                con.execute(f"SELECT * FROM {mart} ORDER BY ALL").fetchall(), default=str
            ).encode()).hexdigest()
            for mart in MARTS
        }


def _landing(result: RunResult) -> Path:
    assert result.published is not None
    return result.published.parent / "landing" / result.run_id


def test_a_live_run_publishes_what_the_snapshot_replay_does(
    published: RunResult, providers: ProviderReplay, tmp_path: Path
) -> None:
    assert published.published is not None
    expected = _mart_digest(published.published)
    live = nightly(source="live", as_of=AS_OF, data_dir=str(tmp_path / "live"))
    assert live.published is not None
    assert _mart_digest(live.published) == expected

    landing = _landing(live)
    for spec in FULL:
        meta = json.loads((landing / f"{spec.path}.meta.json").read_text(encoding="utf-8"))
        assert meta["origin"] == "recorded" and meta["http_status"] == 200
        assert meta["request"]["params"] == spec.params
        if spec.path in PAGED:
            assert meta["pages"] == 2 and (landing / spec.path.replace(".json", ".p2.json")
                                           ).is_file()
        else:
            assert (landing / spec.path).read_bytes() == (SNAPSHOT / spec.path).read_bytes()

    replayed = nightly(source="snapshot", snapshot=str(landing),
                       data_dir=str(tmp_path / "replay"))
    assert replayed.published is not None and replayed.as_of == AS_OF
    assert _mart_digest(replayed.published) == expected


def test_a_live_run_fetches_only_each_series_tail(
    published: RunResult, published_live_night: LiveNight, tmp_path: Path
) -> None:
    assert published.published is not None
    live = published_live_night.result
    assert live.published is not None and live.as_of == AS_OF
    assert _mart_digest(live.published) == _mart_digest(published.published)

    star50 = published_live_night.hits_for("eastmoney/kline/1.000688.json")
    assert [(hit.args["beg"], hit.args["end"]) for hit in star50] == [("20260105", "20260130")]
    eps = published_live_night.hits_for("eastmoney/datacenter/RPT_WEB_RESPREDICT/CN.json")
    assert "(REPORT_DATE>='2025-12-26')" in eps[0].args["filter"]
    landing = _landing(live)
    klines = json.loads((landing / "eastmoney/kline/1.000688.json").read_bytes())["data"]
    assert klines["klines"][0].startswith("2026-01-05")

    data_dir = copy_data_dir(live, tmp_path / "data")
    replayed = nightly(source="snapshot", snapshot=str(landing), data_dir=str(data_dir))
    assert replayed.published is not None
    assert _mart_digest(replayed.published) == _mart_digest(published.published)


def test_a_malformed_body_exits_3_and_leaves_the_published_marts(
    published: RunResult, providers: ProviderReplay, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert published.published is not None
    data_dir = tmp_path / "data"
    shutil.copytree(published.published.parent, data_dir,
                    ignore=shutil.ignore_patterns("*.lock", "landing", "parsed"))
    marts_file = data_dir / "marts.duckdb"
    before = hashlib.sha256(marts_file.read_bytes()).hexdigest()
    path = "eastmoney/kline/1.688256.json"

    def duplicate_last_day(raw: bytes) -> bytes:
        doc = json.loads(raw)
        doc["data"]["klines"].append(doc["data"]["klines"][-1])
        return json.dumps(doc, ensure_ascii=False).encode()

    providers.script(path, forever=body(duplicate_last_day))
    for name in ("PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_LOGGING_LEVEL",
                 "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"):
        monkeypatch.setenv(name, "CRITICAL" if name == "PREFECT_LOGGING_LEVEL" else "WARNING")
    result = CliRunner().invoke(app, ["run", "--source", "live", "--as-of", AS_OF.isoformat(),
                                      "--data-dir", str(data_dir)])

    assert result.exit_code == EXIT_EXTRACTION, result.output
    said = " ".join(result.output.split())
    assert "Extraction failed" in said and "nothing was published" in said
    assert ("eastmoney/stock_kline [688256.SH] field 'trade_date': duplicate date 2026-01-30"
            in said)
    assert "Traceback" not in said
    [landing] = (data_dir / "landing").iterdir()
    assert (landing / path).read_bytes() == providers.served[path]
    # 27 catalog klines and the two STAR debuts the IPO report makes the run follow.
    assert len(list((landing / "eastmoney/kline").glob("*.json.meta.json"))) == 31
    assert hashlib.sha256(marts_file.read_bytes()).hexdigest() == before
