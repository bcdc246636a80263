"""Conforming parsed frames to the registry's staging schemas."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from registry.datasets import FX_RATES, MARGIN
from transforms.schemas import conform, empty, with_item


def test_conform_selects_casts_and_orders_the_declared_columns() -> None:
    parsed = pl.DataFrame({
        "financing_buy": ["110000000000"], "exchange": ["SSE"], "market": ["007"],
        "trade_date": [date(2026, 1, 30)], "lending_balance": [9_000_000_000],
        "financing_balance": [1.32e12],
    })
    frame = conform(parsed, MARGIN)
    assert frame.schema == MARGIN.schema
    assert frame.row(0) == ("SSE", date(2026, 1, 30), 1.32e12, 9.0e9, 1.1e11)


def test_conform_to_a_schema_and_a_missing_column_is_an_error() -> None:
    schema = pl.Schema({"pair": pl.String, "rate": pl.Float64})
    assert conform(pl.DataFrame({"rate": [7.0], "pair": ["USDCNY"]}), schema).columns == [
        "pair", "rate"]
    with pytest.raises(pl.exceptions.ColumnNotFoundError):
        conform(pl.DataFrame({"pair": ["USDCNY"]}), FX_RATES)


def test_an_empty_stage_and_a_batch_frame_carry_their_extra_columns() -> None:
    assert empty(MARGIN).height == 0
    assert empty(MARGIN).schema == MARGIN.staging_schema
    batch = with_item(FX_RATES)
    assert list(batch.items()) == [("item", pl.UInt32()), *FX_RATES.schema.items()]
