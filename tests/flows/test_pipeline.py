"""The nightly's steps over landed bodies: clip, window, provenance, the writer's connection.

Bodies are the bundled snapshot's own; no flow runs here (see ``test_nightly.py``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from flows import pipeline
from flows.catalog import RequestSpec
from flows.settings import Settings
from flows.sources.errors import ExtractionError
from flows.sources.landing import LandingZone
from registry import STAGING_TABLES, by_name

# (provider, host, request kind, subject, provider's code, landed path, URL path)
IFLYTEK = RequestSpec("eastmoney", "eastmoney_kline", "stock_kline", "002230.SZ", "0.002230",
                      "eastmoney/kline/0.002230.json", "/api/qt/stock/kline/get")
IPO_CN = RequestSpec("eastmoney", "eastmoney_datacenter", "ipo_cn", "CN", "RPTA_APP_IPOAPPLY",
                     "eastmoney/datacenter/RPTA_APP_IPOAPPLY/CN.json", "/api/data/v1/get")


def test_clipping_drops_rows_after_the_as_of_date_in_every_table() -> None:
    frames = {table: pl.DataFrame(schema={by_name(table).date: pl.Date})
              for table in STAGING_TABLES}
    frames["margin"] = pl.DataFrame({"trade_date": [date(2026, 1, 29), date(2026, 1, 30)]})
    frames["ipo_listings"] = pl.DataFrame({"listing_date": [date(2026, 1, 8),
                                                            date(2026, 2, 12)]})

    clipped, dropped = pipeline.clip_to_as_of(frames, date(2026, 1, 29))

    assert dropped == 2
    assert clipped["margin"]["trade_date"].to_list() == [date(2026, 1, 29)]
    scheduled = pipeline.scheduled_listings_only(frames, date(2026, 1, 30))
    assert scheduled["ipo_listings"]["listing_date"].to_list() == [date(2026, 1, 8)]
    assert scheduled["margin"] is frames["margin"]


def test_the_snapshot_window_ends_on_its_last_requested_day(
    snapshot_dir: Path, tmp_path: Path,
) -> None:
    assert pipeline.snapshot_window_end(snapshot_dir) == date(2026, 1, 30)
    zone = LandingZone(tmp_path)
    zone.put("eastmoney/kline/1.000001.json", b"{}", provider="eastmoney",
             endpoint="index_kline", subject="SSE", meta={
                 "request": {"url": "", "params": {"beg": "20260101", "end": "20260116"}}})
    assert pipeline.snapshot_window_end(tmp_path) == date(2026, 1, 16)
    zone.write_index()
    assert pipeline.snapshot_window_end(tmp_path) == date(2026, 1, 16)
    with pytest.raises(ExtractionError, match="not a landing zone"):
        pipeline.snapshot_window_end(tmp_path / "empty")


def test_origins_come_from_each_bodys_manifest(snapshot_dir: Path) -> None:
    frame = pipeline.origins_frame(LandingZone(snapshot_dir), [IFLYTEK, IPO_CN])
    assert frame["source_file"].to_list() == [IFLYTEK.path, IPO_CN.path]
    assert frame["origin"].to_list() == ["reconstructed", "reconstructed"]
    assert frame["endpoint"].to_list() == ["stock_kline", "ipo_cn"]


def test_the_writers_connection_takes_its_memory_limit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, duckdb_memory_limit="256MB")
    assert pipeline.warehouse_path(settings) == tmp_path / "warehouse.duckdb"
    with pipeline.connect_warehouse(settings) as con:
        [(limit, flush)] = con.execute(
            "SELECT current_setting('memory_limit'), "
            "current_setting('allocator_bulk_deallocation_flush_threshold')").fetchall()
    assert limit in ("256.0 MiB", "244.1 MiB")
    assert flush == "128.0 MiB"
