"""The valuation suite: a loss-maker's negative P/E warns, a broken market cap fails."""

from __future__ import annotations

import duckdb

from expectations.suites import valuation
from tests.expectations.judging import broken, inputs


def test_the_clean_month_holds_every_valuation_rule(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    assert broken(warehouse, valuation.checks(inputs(warehouse))) == {}


def test_a_negative_pe_only_warns(warehouse: duckdb.DuckDBPyConnection) -> None:
    # Cambricon published a negative trailing P/E while it lost money.
    warehouse.execute("UPDATE staging.valuation SET pe_ttm = -350.2 WHERE symbol = '688256.SH' "
                      "AND trade_date = DATE '2026-01-30'")

    failures = broken(warehouse, valuation.checks(inputs(warehouse)))

    assert list(failures) == ["valuation:pe_ttm_positive"]
    assert failures["valuation:pe_ttm_positive"].severity == "warn"


def test_a_missing_share_count_fails(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("UPDATE staging.valuation SET total_shares = 0 WHERE symbol = '603019.SH' "
                      "AND trade_date = DATE '2026-01-29'")
    failures = broken(warehouse, valuation.checks(inputs(warehouse)))
    assert failures["valuation:total_shares_positive"].severity == "fail"
    assert failures["valuation:total_shares_positive"].sample[0]["symbol"] == "603019.SH"
