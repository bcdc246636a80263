"""Second-source figures as ``crosscheck`` rows: one shape whatever the provider's frame."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from registry.datasets import CROSSCHECK
from tests.conftest import SNAPSHOT
from transforms.crosscheck import margin_by_exchange, reference_rows

LSDB = SNAPSHOT / "eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json"


def test_reference_rows_take_a_fixed_series_or_one_per_row_in_the_crosscheck_schema() -> None:
    bars = pl.DataFrame({"trade_date": [date(2026, 1, 29), date(2026, 1, 30)],
                         "open": [25600.1, 25710.0], "close": [25700.5, 25801.25],
                         "source_file": ["yahoo/chart/^NDX.json"] * 2})
    fixed = reference_rows(bars, dataset="index_bars", series="NDX", provider="yahoo",
                           value="close")
    assert fixed.schema == CROSSCHECK.schema
    assert fixed.rows() == [("index_bars", "NDX", date(2026, 1, 29), "yahoo", 25700.5),
                            ("index_bars", "NDX", date(2026, 1, 30), "yahoo", 25801.25)]

    margin = pl.DataFrame({"exchange": ["SSE", "SZSE"], "trade_date": [date(2026, 1, 30)] * 2,
                           "financing_balance": [1.32e12, 1.28e12]})
    per_row = reference_rows(margin, dataset="margin", series=pl.col("exchange"),
                             provider="eastmoney", value="financing_balance")
    assert per_row.select("series", "value").rows() == [("SSE", 1.32e12), ("SZSE", 1.28e12)]


def test_eastmoney_balances_are_the_exchanges_crosscheck_day_by_day() -> None:
    frame = margin_by_exchange(LSDB.read_bytes(), "SSE_SZSE")
    first = frame.filter(pl.col("trade_date") == date(2024, 12, 2)).sort("series")
    # SCDM 007 is Shanghai, 001 Shenzhen: the recorded RZYE of 2024-12-02.
    assert first.rows() == [
        ("margin", "SSE", date(2024, 12, 2), "eastmoney", 957307444485.01),
        ("margin", "SZSE", date(2024, 12, 2), "eastmoney", 868522930436.31),
    ]
    assert frame.select(pl.struct("series", "trade_date").is_unique().all()).item()


def test_a_day_without_a_balance_is_dropped_not_compared_as_zero() -> None:
    doc = json.loads(LSDB.read_bytes())
    rows = doc["result"]["data"]
    rows[0]["RZYE"] = "-"
    frame = margin_by_exchange(json.dumps(doc).encode(), "SSE_SZSE")
    assert frame.height == len(rows) - 1
    assert (frame.filter((pl.col("trade_date") == date(2024, 12, 2))
                         & (pl.col("series") == "SSE")).height == 0)
    assert frame["value"].min() > 1e11  # type: ignore[operator]
