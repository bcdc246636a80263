"""Every dated dataset, not only bars, is judged against its series' trading calendar."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.expectations.gate_fixture import AS_OF
from tests.expectations.narrowed import run_gate_on


@pytest.mark.parametrize(
    ("table", "statement", "series", "day"),
    [
        ("valuation",
         "INSERT INTO staging.valuation SELECT symbol, DATE '2026-01-25', close, pe_ttm, "
         "market_cap, total_shares, source_file FROM staging.valuation "
         "WHERE symbol = '688256.SH' AND trade_date = DATE '2026-01-23'",
         "688256.SH", "2026-01-25"),
        ("margin",
         "INSERT INTO staging.margin SELECT exchange, DATE '2026-01-01', financing_balance, "
         "lending_balance, financing_buy, source_file FROM staging.margin "
         "WHERE exchange = 'SSE' AND trade_date = DATE '2026-01-05'",
         "SSE", "2026-01-01"),
        ("ipo_listings",
         "UPDATE staging.ipo_listings SET listing_date = DATE '2026-01-18' "
         "WHERE symbol = (SELECT min(symbol) FROM staging.ipo_listings WHERE exchange = 'SSE')",
         "SSE", "2026-01-18"),
    ],
)
def test_a_row_dated_on_a_holiday_or_weekend_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, table: str, statement: str,
    series: str, day: str,
) -> None:
    warehouse.execute(statement)
    result = run_gate_on(warehouse, table, run_id="dated", as_of=AS_OF, results_dir=tmp_path)
    found = [f for f in result.failures if f.table == table and f.rule.endswith("_is_session")]
    assert found, result.summary()
    assert found[0].severity == "fail"
    assert found[0].sample[0]["series"] == series
    assert found[0].sample[0]["first_non_session"] == day
    assert found[0].sample[0]["calendar"] == "XSHG"
