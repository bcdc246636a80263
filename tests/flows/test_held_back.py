"""Publish per mart, replayed live over loopback: a late or failed feed holds back its marts only.

Each test copies the session's history (the bundled snapshot published as of 2026-01-23) and
runs ``cntech run --source live --as-of 2026-01-30`` against the loopback providers with one
feed late or down. The marts reading that feed (as the registry declares) keep the rows of the
2026-01-23 version, every other mart reaches 2026-01-30, and the run exits 4.
"""

from __future__ import annotations

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
from flows.cli import EXIT_HELD_BACK, app
from reporting.report import build_report
from tests.conftest import SNAPSHOT
from tests.flows.nights import HISTORY_AS_OF
from tests.flows.runs import marts_digest
from tests.flows.sources.replay import (
    LOOPBACK_RATE,
    ProviderReplay,
    body,
    install,
    loopback,
    status,
)
from warehouse.marts import MARTS
from warehouse.versions import PARQUET_LINK, VERSIONS_DIR

BEFORE = HISTORY_AS_OF
AS_OF = date(2026, 1, 30)
MARGIN = ("mart_margin_financing",)
# Yahoo serves the Hong Kong and US securities' bars and the FX rates (index bars come from
# Eastmoney; Yahoo's index closes are only a cross-check, which no mart reads).
YAHOO_FED = ("mart_basket_market_value", "mart_ipo_debuts", "mart_ipo_monthly")
DATED = {"mart_index_performance": "trade_date", "mart_index_event_returns": "trade_date",
         "mart_basket_market_value": "trade_date", "mart_valuation": "trade_date",
         "mart_margin_financing": "trade_date"}


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


@pytest.fixture
def data_dir(published_history: Path, tmp_path: Path) -> Path:
    """A private copy of the history as of ``BEFORE``: its warehouse, live file, version and
    Parquet link."""
    target = tmp_path / "data"
    shutil.copytree(published_history, target, symlinks=True,
                    ignore=shutil.ignore_patterns("*.lock", "landing", "parsed", "gate"))
    assert (target / PARQUET_LINK).is_symlink() and (target / VERSIONS_DIR).is_dir()
    return target


@pytest.fixture
def providers(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> ProviderReplay:
    replay = ProviderReplay(SNAPSHOT)
    settings = {**install(server, replay), "CNTECH_REQUESTS_PER_SECOND": LOOPBACK_RATE,
                "CNTECH_MAX_CONCURRENCY": "8", "CNTECH_MAX_ATTEMPTS": "2",
                "CNTECH_BACKOFF_BASE_SECONDS": "0.01", "CNTECH_BACKOFF_MAX_SECONDS": "0.02"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return replay


def relabelled(day: str) -> bytes:
    """SZSE's margin summary of ``day`` as it answers a later day it has not yet published."""
    doc = json.loads((SNAPSHOT / f"szse/margin/{day}.json").read_bytes())
    for tab in doc:
        tab["metadata"]["subname"] = day
    return json.dumps(doc, ensure_ascii=False).encode()


def run_live(data_dir: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["run", "--source", "live", "--as-of", AS_OF.isoformat(),
                                      "--data-dir", str(data_dir)])
    return result.exit_code, " ".join(result.output.split())


def published_marts(data_dir: Path) -> dict[str, dict[str, object]]:
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        [(text,)] = con.execute("SELECT marts FROM publish_info").fetchall()
        [(ledger,)] = con.execute("SELECT marts FROM ops_last_runs "
                                  "ORDER BY started_at DESC LIMIT 1").fetchall()
    assert json.loads(ledger) == json.loads(text)
    return {item["mart"]: item for item in json.loads(text)}


def latest(data_dir: Path, mart: str) -> date:
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        [(day,)] = con.execute(f"SELECT max({DATED[mart]}) FROM {mart}").fetchall()
    return day


def assert_held_back(data_dir: Path, old: dict[str, str], held: tuple[str, ...],
                     dataset: str) -> dict[str, dict[str, object]]:
    """``held`` keep their rows and BEFORE; the other marts advanced to AS_OF."""
    new = marts_digest(data_dir / "marts.duckdb")
    states = published_marts(data_dir)
    for mart in MARTS:
        state = states[mart]
        if mart in held:
            assert (state["status"], state["as_of_date"]) == ("held_back", BEFORE.isoformat()), (
                states)
            assert new[mart] == old[mart], mart
            assert str(state["reason"]).startswith(f"{dataset}: "), state
        else:
            assert (state["status"], state["as_of_date"]) == ("current", AS_OF.isoformat()), (
                states)
            assert new[mart] != old[mart], mart
            if mart in DATED:
                assert latest(data_dir, mart) == AS_OF, mart
    return states


def test_a_late_szse_report_holds_back_the_margin_mart_only(
    data_dir: Path, providers: ProviderReplay
) -> None:
    old = marts_digest(data_dir / "marts.duckdb")
    # SZSE has published neither 01-29 nor 01-30: each answer is the report of the day before,
    # so the series stops at 01-28, one session beyond margin's declared lag of one.
    providers.script("szse/margin/2026-01-29.json", forever=body(lambda _: relabelled(
        "2026-01-28")))
    providers.script("szse/margin/2026-01-30.json", forever=body(lambda _: relabelled(
        "2026-01-29")))

    code, said = run_live(data_dir)

    assert code == EXIT_HELD_BACK, said
    states = assert_held_back(data_dir, old, MARGIN, "margin")
    assert "2 requests not yet published beyond the declared lag (fresh_as_of" in str(
        states["mart_margin_financing"]["reason"])
    assert "mart_margin_financing as of 2026-01-23: margin:" in said
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        [(status_, message)] = con.execute(
            "SELECT status, message FROM ops.run_log ORDER BY started_at DESC LIMIT 1").fetchall()
    assert status_ == "published" and "mart_margin_financing held back at 2026-01-23" in message

    status_run = CliRunner().invoke(app, ["status", "--json", "--data-dir", str(data_dir)])
    assert status_run.exit_code == 1, status_run.output
    doc = json.loads(status_run.stdout)
    assert [(s["mart"], s["as_of_date"]) for s in doc["held_back"]] == [
        ("mart_margin_financing", "2026-01-23")]
    assert not doc["healthy"]
    page = build_report(data_dir).path.read_text(encoding="utf-8")
    banner = page[page.index('id="held-back"'):page.index("</p>", page.index('id="held-back"'))]
    assert "<strong>mart_margin_financing</strong>" in banner and "as of 2026-01-23" in banner


@pytest.mark.slow
def test_an_sse_outage_holds_back_the_margin_mart_only(
    data_dir: Path, providers: ProviderReplay
) -> None:
    old = marts_digest(data_dir / "marts.duckdb")
    providers.script("sse/margin/SSE.json", forever=status(500, b"busy"))

    code, said = run_live(data_dir)

    assert code == EXIT_HELD_BACK, said
    states = assert_held_back(data_dir, old, MARGIN, "margin")
    assert ("margin: 1 request failed after retries (sse/margin_sse/SSE)"
            == states["mart_margin_financing"]["reason"])
    assert len(providers.hits_for("sse/margin/SSE.json")) == 2


@pytest.mark.slow
def test_yahoo_failing_every_request_holds_back_the_marts_reading_its_datasets(
    data_dir: Path, providers: ProviderReplay
) -> None:
    old = marts_digest(data_dir / "marts.duckdb")
    for spec in build_catalog(date(2024, 12, 2), AS_OF):
        if spec.provider == "yahoo":
            providers.script(spec.path, forever=status(500, b"busy"))

    code, said = run_live(data_dir)

    assert code == EXIT_HELD_BACK, said
    states = assert_held_back(data_dir, old, YAHOO_FED, "security_bars")
    assert "security_bars: 23 requests failed after retries" in str(
        states["mart_ipo_debuts"]["reason"])
    assert "; fx_rates: 2 requests failed after retries (yahoo/fx_chart/USDCNY, " in str(
        states["mart_basket_market_value"]["reason"])
    assert "late: crosscheck: 2 requests failed after retries" in said
