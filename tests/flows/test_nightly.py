"""The nightly flow end to end on the bundled snapshot, checked against the raw CSVs."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from flows.nightly import GateFailed, RunResult, nightly
from flows.sources.bodies import api_json
from tests.conftest import TEST_DATA
from tests.flows.bad_data.payloads import reland
from tests.flows.publishing import copy_data_dir
from warehouse.marts import MARTS

AS_OF = date(2026, 1, 30)


def _real_closes(name: str) -> pl.DataFrame:
    frame = pl.read_csv(TEST_DATA / "real" / f"{name}.csv")
    frame = frame.rename({c: c.lstrip("\ufeff") for c in frame.columns})
    return frame.select(pl.col("date").str.to_date(), pl.col("close").cast(pl.Float64))


def _close_on_or_before(frame: pl.DataFrame, day: date) -> float:
    return float(frame.filter(pl.col("date") <= day)["close"][-1])


def _mart_row(published: RunResult, index_code: str, day: date) -> dict[str, Any]:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        row = con.sql(
            "SELECT * FROM mart_index_performance WHERE index_code = ? AND trade_date = ?",
            params=[index_code, day],
        ).pl()
    assert row.height == 1, f"no {index_code} row for {day}"
    return row.row(0, named=True)


@pytest.mark.parametrize(
    ("index_code", "csv"),
    [("STAR50", "star50_000688_daily"), ("CHINEXT", "chinext_399006_daily"),
     ("NDX", "nasdaq100_NDX_daily"), ("HSI", "hsi_daily")],
)
def test_index_returns_match_an_independent_computation(
    published: RunResult, index_code: str, csv: str
) -> None:
    real = _real_closes(csv)
    row = _mart_row(published, index_code, AS_OF)
    close = _close_on_or_before(real, AS_OF)
    assert row["close"] == pytest.approx(close, rel=1e-9)
    assert row["ret_mtd"] == pytest.approx(close / _close_on_or_before(real, date(2025, 12, 31))
                                           - 1, rel=1e-9)
    assert row["ret_ytd"] == pytest.approx(row["ret_mtd"], rel=1e-12)
    assert row["ret_1y"] == pytest.approx(close / _close_on_or_before(real, date(2025, 1, 30))
                                          - 1, rel=1e-9)
    previous = real.filter(pl.col("date") < AS_OF)["close"][-1]
    assert row["ret_1d"] == pytest.approx(close / previous - 1, rel=1e-9)


def test_headline_figures_for_january_2026(published: RunResult) -> None:
    star = _mart_row(published, "STAR50", AS_OF)
    ndx = _mart_row(published, "NDX", AS_OF)
    # STAR 50 closed January 2026 at 1509.402 against 1344.2 on 2025-12-31 (source CSV).
    assert star["ret_mtd"] == pytest.approx(1509.402 / 1344.2 - 1, abs=1e-6)
    assert star["excess_mtd_vs_ndx"] == pytest.approx(star["ret_mtd"] - ndx["ret_mtd"])
    mid_month = _mart_row(published, "CHINEXT", date(2026, 1, 15))
    real = _real_closes("chinext_399006_daily")
    assert mid_month["ret_mtd"] == pytest.approx(
        _close_on_or_before(real, date(2026, 1, 15))
        / _close_on_or_before(real, date(2025, 12, 31)) - 1, rel=1e-9)


def test_every_mart_is_published_with_comments_and_parquet(published: RunResult) -> None:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        for mart in MARTS:
            count = con.execute(f"SELECT count(*) FROM {mart}").fetchall()[0]
            assert count is not None and count[0] > 0, mart
            missing = con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                "AND comment IS NULL", [mart]).fetchall()
            assert missing == [], f"{mart} columns without a comment: {missing}"
        info = con.execute("SELECT as_of_date, run_id FROM publish_info").fetchall()[0]
        assert info == (AS_OF, published.run_id)
        origins = dict(con.execute(
            "SELECT origin, count(*) FROM data_origins GROUP BY origin").fetchall())
        assert set(origins) == {"recorded", "reconstructed", "synthetic"}
    for mart in MARTS:
        assert (published.published.parent / "marts" / f"{mart}.parquet").is_file()


def test_returns_are_fractions_not_percent(published: RunResult) -> None:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        worst = con.execute("SELECT max(abs(ret_1d)) FROM mart_index_performance").fetchall()[0]
    assert worst is not None and worst[0] < 0.25


def _mart_digest(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            mart: hashlib.sha256(json.dumps(
                con.execute(f"SELECT * FROM {mart} ORDER BY ALL").fetchall(), default=str
            ).encode()).hexdigest()
            for mart in MARTS
        }


def test_rerunning_the_same_as_of_leaves_every_mart_identical(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(published, tmp_path / "data")
    before = _mart_digest(data_dir / "marts.duckdb")
    again = nightly(source="snapshot", data_dir=str(data_dir))
    assert again.as_of == published.as_of and again.run_id != published.run_id
    assert _mart_digest(data_dir / "marts.duckdb") == before


def test_corrupted_price_fails_the_gate_and_keeps_published_marts(
    published: RunResult, snapshot_copy: Path, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(published, tmp_path / "data")
    marts_file = data_dir / "marts.duckdb"
    before = hashlib.sha256(marts_file.read_bytes()).hexdigest()

    relpath = "eastmoney/kline/1.688256.json"
    doc = json.loads((snapshot_copy / relpath).read_text(encoding="utf-8"))
    fields = doc["data"]["klines"][100].split(",")
    bad_date = fields[0]
    fields[2] = "-" + fields[2]
    doc["data"]["klines"][100] = ",".join(fields)
    reland(snapshot_copy, relpath, api_json(doc))

    with pytest.raises(GateFailed) as caught:
        nightly(source="snapshot", snapshot=str(snapshot_copy), data_dir=str(data_dir))
    message = str(caught.value)
    assert "688256.SH" in message and bad_date in message
    assert hashlib.sha256(marts_file.read_bytes()).hexdigest() == before
    assert (data_dir / "gate" / "latest.json").is_file()
