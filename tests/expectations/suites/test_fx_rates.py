"""The FX suite: each pair within its own band, judged only on its own rows."""

from __future__ import annotations

import duckdb

from expectations.suites import fx_rates
from tests.expectations.judging import broken, inputs


def test_the_clean_month_holds_every_fx_rule(warehouse: duckdb.DuckDBPyConnection) -> None:
    assert broken(warehouse, fx_rates.checks(inputs(warehouse))) == {}


def test_a_hong_kong_rate_outside_the_peg_fails_only_its_own_band(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # 7.5 HKD would be a fine USD/CNY rate: only the USDHKD band may catch it.
    warehouse.execute("UPDATE staging.fx_rates SET rate = 7.5 WHERE pair = 'USDHKD' "
                      "AND trade_date = DATE '2026-01-16'")

    failures = broken(warehouse, fx_rates.checks(inputs(warehouse))[:1])

    assert "fx_rates:usdcny_in_range" not in failures
    outcome = failures["fx_rates:usdhkd_in_range"]
    assert outcome.unexpected_count == 1
    assert outcome.sample == [{"pair": "USDHKD", "trade_date": "2026-01-16",
                               "source_file": "fx/usd.json", "rate": 7.5}]


def test_an_unknown_pair_is_refused(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("INSERT INTO staging.fx_rates VALUES ('USDJPY', DATE '2026-01-30', 154.2, "
                      "'yahoo/chart/JPY=X.json')")
    failures = broken(warehouse, fx_rates.checks(inputs(warehouse))[:1])
    assert failures["fx_rates:pair_known"].sample[0]["pair"] == "USDJPY"
    assert set(fx_rates.RATE_BANDS) == {"USDCNY", "USDHKD"}
