"""The history views: core rows a month before the staged days, the seams, and no core."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from expectations import history
from warehouse import db, load


def test_history_views_hold_core_rows_from_a_month_before_the_staged_days_only(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Staged STAR 50 bars run 2026-01-05..01-30: core rows from 2025-12-05 on are history.
    for day, close in ((date(2025, 11, 28), 1400.0), (date(2025, 12, 5), 1450.0),
                       (date(2026, 1, 2), 1500.0), (date(2026, 2, 2), 1600.0)):
        warehouse.execute("INSERT INTO core.index_bars VALUES ('STAR50', ?, NULL, NULL, NULL, ?, "
                          "NULL, NULL, 'run-0')", [day, close])

    with history.history_views(warehouse, history.stored_tables(warehouse)):
        stored = warehouse.execute("SELECT trade_date, close FROM gate_history_index_bars "
                                    "ORDER BY trade_date").fetchall()
        merged = warehouse.execute("SELECT count(*) FROM gate_merged_series "
                                   "WHERE dataset = 'index_bars'").fetchall()
    assert stored == [(date(2025, 12, 5), 1450.0), (date(2026, 1, 2), 1500.0)]
    assert merged == [(2,)]
    with pytest.raises(duckdb.CatalogException):
        warehouse.execute("SELECT * FROM gate_history_index_bars")


def test_series_days_hold_the_staged_rows_the_window_not_restaged_and_the_seam(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # STAR50's stored 2026-01-05 is staged again; HSI's last stored day is older than the window.
    for code, day, close in (("STAR50", date(2025, 11, 28), 1400.0),
                             ("STAR50", date(2025, 12, 5), 1450.0),
                             ("STAR50", date(2026, 1, 5), 1500.0),
                             ("HSI", date(2025, 10, 31), 26000.0)):
        warehouse.execute("INSERT INTO core.index_bars VALUES (?, ?, NULL, NULL, NULL, ?, "
                          "NULL, NULL, 'run-0')", [code, day, close])
    load.ensure_tails(warehouse)
    warehouse.execute("INSERT INTO staging.index_bars (index_code, trade_date, close, "
                      "source_file) VALUES ('STAR50', DATE '2026-01-30', 1600.0, 'again.json')")

    with history.history_views(warehouse, history.stored_tables(warehouse)):
        stored = warehouse.execute(
            "SELECT series, trade_date, value, is_seam, source_file FROM gate_series_days "
            "WHERE dataset = 'index_bars' AND NOT is_staged ORDER BY series").fetchall()
        twice = warehouse.execute(
            "SELECT source_file FROM gate_series_days WHERE dataset = 'index_bars' "
            "AND series = 'STAR50' AND trade_date = DATE '2026-01-30' AND is_staged "
            "AND NOT is_seam ORDER BY source_file").fetchall()
    assert stored == [("HSI", date(2025, 10, 31), 26000.0, True, None),
                      ("STAR50", date(2025, 12, 5), 1450.0, False, None)]
    assert twice == [("again.json",), ("eastmoney/kline/STAR50.json",)]


def test_without_core_the_history_and_tails_read_empty() -> None:
    con = duckdb.connect()
    db.run_sql_file(con, "ddl/schemas.sql")
    for table in ("index_bars", "security_bars", "fx_rates", "margin", "valuation",
                  "eps_forecast", "ipo_listings", "crosscheck"):
        db.run_sql_file(con, f"staging/{table}.sql")
    for table in ("ref_indices", "ref_securities", "ref_sessions", "ref_suspensions"):
        db.run_sql_file(con, f"ddl/{table}.sql")
    con.execute("INSERT INTO staging.fx_rates VALUES ('USDCNY', DATE '2026-01-30', 6.98, "
                "'yahoo/chart/CNY=X.json')")

    with history.history_views(con, history.stored_tables(con)):
        assert con.execute("SELECT count(*) FROM gate_history_fx_rates").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM gate_series_tails").fetchall() == [(0,)]
        assert con.execute("SELECT series, value FROM gate_staged_series").fetchall() == [
            ("USDCNY", 6.98)]
