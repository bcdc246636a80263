"""The declaration types: what a dataset must name consistently, and what it derives."""

from __future__ import annotations

import dataclasses
from typing import get_args

import polars as pl
import pytest

from registry import DATASETS
from registry.datasets import MARGIN
from registry.model import UNIT_SLIPS, Calendar, Dataset, Measure, SeriesRules, Unit

MARGIN_SCHEMA = pl.Schema({
    "exchange": pl.String, "trade_date": pl.Date, "financing_balance": pl.Float64,
})


def margin_like(**overrides: object) -> Dataset:
    """A margin-shaped declaration, with ``overrides`` applied."""
    fields: dict[str, object] = {
        "name": "margin_test", "description": "SSE/SZSE balances", "schema": MARGIN_SCHEMA,
        "keys": ("exchange", "trade_date"), "date": "trade_date", "series": "exchange",
        "chain": "financing_balance",
        "measures": (Measure("financing_balance", "money", low=1e10, high=1e13),),
        **overrides,
    }
    return Dataset(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("overrides", "named"), [
    ({"series": "market"}, "['market']"),
    ({"chain": "close"}, "['close']"),
    ({"date": "as_of_date"}, "['as_of_date']"),
    ({"keys": ("exchange", "report_date")}, "['report_date']"),
    ({"measures": (Measure("lending_balance", "money"), Measure("buy", "money"))},
     "['buy', 'lending_balance']"),
])
def test_every_declared_column_must_be_in_the_schema(
    overrides: dict[str, object], named: str,
) -> None:
    with pytest.raises(ValueError) as caught:
        margin_like(**overrides)
    assert str(caught.value) == f"margin_test: declared columns not in the schema: {named}"


def test_a_consistent_declaration_is_accepted_with_its_defaults() -> None:
    dataset = margin_like()
    assert (dataset.lag_sessions, dataset.export, dataset.marts) == (None, "monthly", ())
    assert dataset.calendar is None and dataset.series_rules is None
    assert margin_like(series=None, chain=None, measures=()).series is None


def test_the_staging_schema_appends_the_landed_file_without_touching_the_schema() -> None:
    staging = margin_like().staging_schema
    assert list(staging.items()) == [*MARGIN_SCHEMA.items(), ("source_file", pl.String())]
    assert "source_file" not in margin_like().schema
    assert MARGIN.staging_schema.names()[-1] == "source_file"
    assert MARGIN.staging_schema.names()[:-1] == MARGIN.schema.names()


def test_declarations_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        MARGIN.keys = ("trade_date",)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        MARGIN.measures[0].high = 1e20  # type: ignore[misc]


def test_measure_and_rule_defaults_keep_a_new_declaration_strict() -> None:
    measure = Measure("pe_ttm", "multiple")
    assert (measure.low, measure.high, measure.shift, measure.step) == (None, None, None, None)
    assert measure.zero_is_missing is False
    rules = SeriesRules(spike_floor=0.05)
    assert (rules.spike, rules.stale, rules.split, rules.stale_sessions) == (
        "fail", "fail", None, 5)
    assert Calendar() == Calendar(None, None, None, ())


def test_every_registered_unit_is_a_declared_unit_and_slips_are_powers_of_ten() -> None:
    units = set(get_args(Unit))
    assert {m.unit for d in DATASETS for m in d.measures} <= units
    assert units == {"index_points", "price", "shares", "money", "multiple", "eps", "rate"}
    assert sorted(UNIT_SLIPS) == [1, 2, 3, 4, 6, 8]
    assert UNIT_SLIPS[4].startswith("1e4x") and UNIT_SLIPS[8].startswith("1e8x")
