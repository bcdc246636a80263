"""Zhipu's real Lunar New Year's Eve bar (flat, volume 0) passes the gate as a half-day close."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from flows.placeholder_bars import drop_placeholder_bars
from flows.sources.registry import parse
from tests.conftest import TEST_DATA
from tests.expectations.narrowed import run_gate_on
from warehouse import db, load, seeds

FLAWED = TEST_DATA / "flawed" / "yahoo_chart_2513.HK_flat_row_and_spike.json"
HALF_DAY = date(2026, 2, 16)


def _frames(body: bytes) -> dict[str, pl.DataFrame]:
    meta = json.loads(FLAWED.with_name(FLAWED.name + ".meta.json").read_text(encoding="utf-8"))
    table, frame = parse(meta["dataset"], body, meta["subject"], "2513.HK")
    return {table: frame}


def _placeholder_on(day: date, body: bytes) -> bytes:
    """The chart with one more flat, volume-less bar on ``day`` at the previous close."""
    doc = json.loads(body)
    result = doc["chart"]["result"][0]
    quote = result["indicators"]["quote"][0]
    stamp = result["timestamp"][0] + (day - date(2026, 2, 9)).days * 86400
    at = next(i for i, t in enumerate(result["timestamp"]) if t > stamp)
    result["timestamp"].insert(at, stamp)
    close = quote["close"][at - 1]
    for name in ("open", "high", "low", "close"):
        quote[name].insert(at, close)
    quote["volume"].insert(at, 0)
    return json.dumps(doc).encode()


def test_the_half_day_is_close_only_and_the_holiday_placeholder_is_dropped(
    tmp_path: Path
) -> None:
    body = _placeholder_on(date(2026, 2, 17), FLAWED.read_bytes())
    con = duckdb.connect()
    db.apply_ddl(con)
    seeds.load_seeds(con)
    seeds.load_sessions(con, date(2024, 12, 2), date(2026, 2, 27))
    notes: list[str] = []
    frames = drop_placeholder_bars(con, _frames(body), notes)
    bars = frames["security_bars"]
    assert date(2026, 2, 17) not in bars["trade_date"].to_list()
    half = bars.filter(pl.col("trade_date") == HALF_DAY).row(0, named=True)
    assert half["close"] == 502.5 and half["open"] is None and half["volume"] is None
    assert notes == [
        "security_bars: 1 placeholder bar(s) dropped (flat, no volume, on a day the series did "
        "not trade): 02513.HK 2026-02-17 (closed)",
        "security_bars: 1 flat bar(s) without volume on early-close sessions kept as close-only "
        "half-day bars",
    ]
    load.set_run_context(con, run_id="half-day", as_of=date(2026, 2, 27), source="snapshot")
    load.stage(con, "security_bars", bars.with_columns(source_file=pl.lit(FLAWED.name)))
    result = run_gate_on(con, "security_bars", run_id="half-day", as_of=date(2026, 2, 27),
                         results_dir=tmp_path)
    on_bars = [f for f in result.failures if f.table == "security_bars"]
    assert [f.rule for f in on_bars if f.severity == "fail"] == [], on_bars
