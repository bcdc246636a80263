"""A row-level check's sample rows get the file their staged rows came from, by natural key."""

from __future__ import annotations

from typing import Any

import duckdb

from expectations.runner import Outcome
from expectations.samples import with_files


def _outcome(table: str, sample: list[dict[str, Any]], suite: str | None = None) -> Outcome:
    return Outcome(table, suite or table, "a_rule", "fail", False, 10, len(sample),
                   f"{table}: broken", sample)


def test_each_sample_row_gets_its_file_right_after_its_key(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    [outcome] = with_files(warehouse, [_outcome("security_bars", [
        {"symbol": "603019.SH", "trade_date": "2026-01-21", "volume": 0.0},
        {"symbol": "NVDA.US", "trade_date": "2026-01-09", "volume": 1.0},
    ])])

    assert outcome.sample == [
        {"symbol": "603019.SH", "trade_date": "2026-01-21",
         "source_file": "eastmoney/kline/603019.SH.json", "volume": 0.0},
        {"symbol": "NVDA.US", "trade_date": "2026-01-09",
         "source_file": "eastmoney/kline/NVDA.US.json", "volume": 1.0},
    ]
    assert list(outcome.sample[0]) == ["symbol", "trade_date", "source_file", "volume"]


def test_a_key_staged_from_two_files_names_both(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("INSERT INTO staging.fx_rates SELECT pair, trade_date, rate, 'fx/again.json' "
                      "FROM staging.fx_rates WHERE pair = 'USDCNY' "
                      "AND trade_date = DATE '2026-01-15'")
    [outcome] = with_files(warehouse, [_outcome("fx_rates", [
        {"pair": "USDCNY", "trade_date": "2026-01-15"}])])

    assert outcome.sample == [{"pair": "USDCNY", "trade_date": "2026-01-15",
                               "source_file": "fx/again.json, fx/usd.json"}]


def test_a_null_key_and_an_integer_read_back_as_a_float_are_found(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.eps_forecast SET symbol = NULL WHERE symbol = '688256.SH' "
                      "AND fiscal_year = 2026")
    [(report_date,)] = warehouse.execute(
        "SELECT CAST(report_date AS VARCHAR) FROM staging.eps_forecast WHERE symbol IS NULL"
    ).fetchall()
    [outcome] = with_files(warehouse, [_outcome("eps_forecast", [
        {"symbol": None, "report_date": report_date, "fiscal_year": 2026.0}])])

    assert outcome.sample[0]["source_file"] == (
        "eastmoney/datacenter/RPT_WEB_RESPREDICT/page1.json")


def test_samples_that_carry_a_file_or_lack_the_key_are_left_as_they_are(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    own_file = _outcome("security_bars", [{"symbol": "603019.SH", "source_file": "mine.json"}],
                        suite="security_bars.sessions")
    keyless = _outcome("security_bars", [{"symbol": "603019.SH", "missing": 2}],
                       suite="security_bars.sessions")
    partial = _outcome("security_bars", [{"symbol": "603019.SH"}])
    unknown = _outcome("security_bars", [{"symbol": "000000.SZ", "trade_date": "2026-01-21"}])

    assert with_files(warehouse, [own_file, keyless, partial]) == [own_file, keyless, partial]
    assert with_files(warehouse, [unknown])[0].sample == [
        {"symbol": "000000.SZ", "trade_date": "2026-01-21", "source_file": None}]
