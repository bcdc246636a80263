"""The parse stage: landed bodies to frames per staging table, a chunk of them to Parquet, and
back.

Bodies are the bundled snapshot's own; no flow runs here (see ``test_nightly.py``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from flows import parse
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from registry import STAGING_TABLES

IFLYTEK = RequestSpec("eastmoney", "eastmoney_kline", "stock_kline", "002230.SZ", "0.002230",
                      "eastmoney/kline/0.002230.json", "/api/qt/stock/kline/get")


def test_a_chunk_is_cut_into_monthly_partitions_and_read_back_whole(
    snapshot_dir: Path, tmp_path: Path,
) -> None:
    chunk = parse.parse_to_parquet(snapshot_dir, [IFLYTEK], tmp_path, "chunk-00000", "month")

    files = chunk.files["security_bars"]
    assert files[0] == str(tmp_path / "security_bars/part=2024-12/chunk-00000.parquet")
    assert len(files) == len({Path(f).parent.name for f in files}) >= 13
    assert pl.read_parquet(files[0])["trade_date"].dt.month().unique().to_list() == [12]
    frames, report = parse.read_parsed([chunk])
    assert frames["security_bars"].height == chunk.rows["security_bars"]
    assert frames["security_bars"].schema["source_file"] == pl.String
    assert (report.errors, frames["index_bars"].height) == ([], 0)


def test_batches_are_cut_partition_by_partition_in_the_order_of_the_requests(
    snapshot_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    inspur = replace(IFLYTEK, subject="000977.SZ", provider_code="0.000977",
                     path="eastmoney/kline/0.000977.json")
    # A batch per body: each partition file is put together from both batches' rows.
    monkeypatch.setattr(parse, "BATCH_BYTES", 1)
    chunk = parse.parse_to_parquet(snapshot_dir, [IFLYTEK, inspur], tmp_path, "chunk-00000",
                                   "year")

    whole, _ = parse.parse_landed(LandingZone(snapshot_dir), [IFLYTEK, inspur])
    bars = whole["security_bars"]
    files = chunk.files["security_bars"]
    assert [Path(f).parent.name for f in files] == [
        f"part={year}" for year in sorted(bars["trade_date"].dt.year().unique().to_list())]
    for file in files:
        year = int(Path(file).parent.name.removeprefix("part="))
        assert pl.read_parquet(file).equals(bars.filter(pl.col("trade_date").dt.year() == year))
    assert chunk.rows["security_bars"] == bars.height
    assert set(bars["symbol"]) == {"002230.SZ", "000977.SZ"}


def test_landed_bodies_parse_into_every_table_and_a_missing_one_is_reported(
    snapshot_dir: Path,
) -> None:
    missing = replace(IFLYTEK, subject="688256.SH", path="eastmoney/kline/1.688256-missing.json")
    frames, report = parse.parse_landed(LandingZone(snapshot_dir), [IFLYTEK, missing])

    assert set(frames) == set(STAGING_TABLES)
    bars = frames["security_bars"]
    assert set(bars["symbol"]) == {"002230.SZ"}
    assert set(bars["source_file"]) == {"eastmoney/kline/0.002230.json"}
    assert frames["margin"].height == 0
    assert report.last_date is None  # no index bars were parsed
    [error] = report.errors
    assert "no landed body" in error and "1.688256-missing.json" in error
