"""The parse stage: a chunk of landed bodies to Parquet per staging table, and back.

Bodies are the bundled snapshot's own; no flow runs here (see ``test_nightly.py``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows import parse
from flows.sources.request import RequestSpec

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
