"""Mart SQL on small hand-made core tables, checked against figures computed by hand."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import duckdb
import pytest

from warehouse import db, load, marts, seeds

AS_OF = date(2026, 1, 30)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    db.apply_ddl(connection)
    seeds.load_seeds(connection)
    seeds.load_sessions(connection, date(2024, 12, 2), AS_OF)
    load.set_run_context(connection, run_id="test", as_of=AS_OF, source="snapshot")
    yield connection
    connection.close()


def _sessions(con: duckdb.DuckDBPyConnection, calendar: str) -> list[date]:
    return [r[0] for r in con.execute(
        "SELECT session_date FROM ref.sessions WHERE calendar = ? ORDER BY 1", [calendar]
    ).fetchall()]


def _index(con: duckdb.DuckDBPyConnection, code: str, closes: dict[date, float]) -> None:
    con.executemany(
        "INSERT INTO core.index_bars VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 'test')",
        [(code, d, c, c, c, c) for d, c in closes.items()],
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> list[dict[str, Any]]:
    return con.sql(sql, params=params).pl().to_dicts()


def test_index_returns_drawdown_and_excess_vs_ndx(con: duckdb.DuckDBPyConnection) -> None:
    cn_days = [d for d in _sessions(con, "XSHG") if d >= date(2025, 1, 1)]
    us_days = [d for d in _sessions(con, "XNYS") if d >= date(2025, 1, 1)]
    star = {d: 100.0 + i for i, d in enumerate(cn_days)}
    star[date(2025, 12, 31)] = 500.0
    star[date(2026, 1, 29)] = 440.0
    star[AS_OF] = 550.0
    ndx = {d: 1000.0 for d in us_days}
    ndx[date(2025, 12, 31)] = 1000.0
    ndx[date(2026, 1, 29)] = 1100.0
    ndx[AS_OF] = 1050.0
    _index(con, "STAR50", star)
    _index(con, "NDX", ndx)
    marts.build_marts(con)
    (row,) = _rows(con, "SELECT * FROM marts.mart_index_performance WHERE index_code = ? "
                        "AND trade_date = ?", ["STAR50", AS_OF])
    assert row["ret_1d"] == pytest.approx(550 / 440 - 1)
    assert row["ret_mtd"] == pytest.approx(550 / 500 - 1)
    assert row["ret_ytd"] == pytest.approx(550 / 500 - 1)
    assert row["excess_mtd_vs_ndx"] == pytest.approx((550 / 500 - 1) - (1050 / 1000 - 1))
    one_year_base = star[max(d for d in cn_days if d <= date(2025, 1, 30))]
    assert row["ret_1y"] == pytest.approx(550 / one_year_base - 1)
    assert row["drawdown"] == 0
    (dip,) = _rows(con, "SELECT * FROM marts.mart_index_performance WHERE index_code = ? "
                        "AND trade_date = ?", ["STAR50", date(2026, 1, 29)])
    assert dip["drawdown"] == pytest.approx(440 / max(star[d] for d in star
                                                     if d <= date(2026, 1, 29)) - 1)
    last20 = [star[d] for d in cn_days[-21:]]
    logs = [math.log(b / a) for a, b in zip(last20, last20[1:], strict=False)]
    mean = sum(logs) / len(logs)
    vol = math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1)) * math.sqrt(252)
    assert row["vol_20d"] == pytest.approx(vol)


def test_event_returns_use_the_close_on_or_before_the_event(
    con: duckdb.DuckDBPyConnection,
) -> None:
    days = [d for d in _sessions(con, "XSHG") if d >= date(2025, 1, 1)]
    _index(con, "CHINEXT", {d: 200.0 + i for i, d in enumerate(days)})
    marts.build_marts(con)
    (row,) = _rows(con, "SELECT * FROM marts.mart_index_event_returns WHERE index_code = ? "
                        "AND event_id = ? AND trade_date = ?", ["CHINEXT", "deepseek_r1", AS_OF])
    base_day = max(d for d in days if d <= date(2025, 1, 20))
    assert row["event_base_date"] == base_day
    assert row["ret_since_event"] == pytest.approx(
        (200.0 + days.index(AS_OF)) / (200.0 + days.index(base_day)) - 1)


def test_basket_value_converts_currencies_and_carries_closes(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("DELETE FROM ref.baskets")
    con.execute("INSERT INTO ref.baskets VALUES ('china_ai', '00700.HK'), "
                "('china_ai', '688256.SH'), ('us_ai', 'NVDA.US')")
    shares = dict(con.execute("SELECT symbol, shares_outstanding FROM ref.securities").fetchall())
    day = date(2026, 1, 29)
    con.executemany(
        "INSERT INTO core.security_bars VALUES (?, ?, NULL, NULL, NULL, ?, NULL, NULL, ?, 't')",
        [("00700.HK", day, 600.0, "HKD"), ("688256.SH", day, 1300.0, "CNY"),
         ("NVDA.US", day, 190.0, "USD"), ("NVDA.US", AS_OF, 200.0, "USD")],
    )
    con.executemany("INSERT INTO core.fx_rates VALUES (?, ?, ?, 't')",
                    [("USDHKD", day - timedelta(days=1), 7.8), ("USDCNY", day, 7.0)])
    con.execute("INSERT INTO core.valuation VALUES ('688256.SH', ?, 1300, 150, 5.5e11, "
                "4.2e8, 't')", [day])
    marts.build_marts(con)
    (china,) = _rows(con, "SELECT * FROM marts.mart_basket_market_value WHERE basket = ? "
                          "AND trade_date = ?", ["china_ai", AS_OF])
    expected = 600.0 * shares["00700.HK"] / 7.8 + 5.5e11 / 7.0
    assert china["market_cap_usd"] == pytest.approx(expected, rel=1e-9)
    assert (china["members_priced"], china["members_total"]) == (2, 2)
    assert china["china_us_ratio"] == pytest.approx(expected / (200.0 * shares["NVDA.US"]))


def test_valuation_forward_pe_percentile_and_stretched(con: duckdb.DuckDBPyConnection) -> None:
    days = [d for d in _sessions(con, "XSHG") if d >= date(2025, 6, 1)]
    con.executemany(
        "INSERT INTO core.valuation VALUES ('688256.SH', ?, ?, ?, 1e11, 1e8, 't')",
        [(d, 1000.0, 100.0 + i) for i, d in enumerate(days)],
    )
    con.executemany("INSERT INTO core.eps_forecast VALUES ('688256.SH', ?, ?, ?, 't')",
                    [(date(2025, 12, 1), 2026, 5.0), (date(2026, 1, 5), 2026, 8.0),
                     (date(2026, 1, 5), 2025, 4.0)])
    marts.build_marts(con)
    (row,) = _rows(con, "SELECT * FROM marts.mart_valuation WHERE symbol = ? AND trade_date = ?",
                   ["688256.SH", AS_OF])
    assert row["pe_forward"] == pytest.approx(1000.0 / 8.0)
    assert row["pe_ttm_pctile_3y"] == 1.0
    assert row["history_days"] == len(days)
    assert row["is_stretched"] is True
    (early,) = _rows(con, "SELECT * FROM marts.mart_valuation WHERE symbol = ? "
                          "AND trade_date = ?", ["688256.SH", date(2025, 12, 31)])
    assert early["pe_forward"] is None


def test_valuation_publishes_no_non_positive_pe(con: duckdb.DuckDBPyConnection) -> None:
    days = [d for d in _sessions(con, "XSHG") if d >= date(2026, 1, 1)]
    con.executemany(
        "INSERT INTO core.valuation VALUES ('688256.SH', ?, 1000, ?, 1e11, 1e8, 't')",
        [(d, -250.0 if i % 2 else 150.0) for i, d in enumerate(days)],
    )
    marts.build_marts(con)
    rows = _rows(con, "SELECT trade_date, pe_ttm FROM marts.mart_valuation WHERE symbol = ? "
                      "ORDER BY trade_date", ["688256.SH"])
    assert len(rows) == len(days)
    assert [r["pe_ttm"] for r in rows] == [None if i % 2 else 150.0 for i in range(len(days))]


def test_ipo_first_day_falls_back_to_bars_and_skips_introductions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.executemany(
        "INSERT INTO core.ipo_listings VALUES (?, ?, 'HKEX', 'HK', ?, NULL, ?, NULL, NULL, NULL, "
        "'HKD', 't')",
        [("02513.HK", "Zhipu", date(2026, 1, 8), 116.2),
         ("09999.HK", "Introduction", date(2026, 1, 9), None),
         ("00100.HK", "After as-of", date(2026, 2, 2), 165.0)],
    )
    con.executemany(
        "INSERT INTO core.security_bars VALUES ('02513.HK', ?, ?, NULL, NULL, ?, NULL, NULL, "
        "'HKD', 't')", [(date(2026, 1, 8), 120.0, 131.5), (AS_OF, 200.0, 210.0)],
    )
    marts.build_marts(con)
    rows = _rows(con, "SELECT * FROM marts.mart_ipo_debuts", [])
    assert [r["symbol"] for r in rows] == ["02513.HK"]
    assert rows[0]["first_day_return"] == pytest.approx(131.5 / 116.2 - 1)
    assert rows[0]["return_since_listing"] == pytest.approx(210.0 / 116.2 - 1)
    assert rows[0]["is_ai"] is True


def test_margin_changes(con: duckdb.DuckDBPyConnection) -> None:
    days = _sessions(con, "XSHG")[-25:]
    con.executemany("INSERT INTO core.margin VALUES ('TOTAL', ?, ?, NULL, ?, 't')",
                    [(d, 1e12 + i * 1e9, 1e11) for i, d in enumerate(days)])
    _index(con, "CSIALL", {d: 1.0 for d in days})
    con.execute("UPDATE core.index_bars SET amount = 2e12 WHERE index_code = 'CSIALL'")
    marts.build_marts(con)
    (row,) = _rows(con, "SELECT * FROM marts.mart_margin_financing WHERE trade_date = ?", [AS_OF])
    assert row["change_1d"] == pytest.approx(1e9)
    assert row["change_20d"] == pytest.approx(20e9)
    assert row["balance_to_turnover"] == pytest.approx((1e12 + 24e9) / 2e12)
    assert row["financing_buy_share_of_turnover"] == pytest.approx(0.05)
