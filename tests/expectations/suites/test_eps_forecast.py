"""The EPS forecast suite: forecasts dated after the run or without a figure are named."""

from __future__ import annotations

import duckdb

from expectations.suites import eps_forecast
from tests.expectations.judging import broken, inputs


def test_the_clean_forecasts_hold_every_rule(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert broken(warehouse, eps_forecast.checks(inputs(warehouse))) == {}


def test_a_report_after_the_as_of_date_and_a_missing_eps_fail(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.eps_forecast SET report_date = DATE '2026-02-03' "
                      "WHERE symbol = '603019.SH'")
    warehouse.execute("UPDATE staging.eps_forecast SET eps = NULL WHERE symbol = '688256.SH' "
                      "AND fiscal_year = 2026")

    failures = broken(warehouse, eps_forecast.checks(inputs(warehouse)))

    assert failures["eps_forecast:no_future_date"].sample[0]["report_date"] == "2026-02-03"
    assert failures["eps_forecast:eps_not_null"].sample[0]["fiscal_year"] == 2026
    assert set(failures) == {"eps_forecast:no_future_date", "eps_forecast:eps_not_null"}
