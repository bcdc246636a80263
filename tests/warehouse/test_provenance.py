"""``ops.data_origins``: provenance by series and date range, kept and cut across runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest

from warehouse import db, load, provenance

HK = "yahoo/chart/9888.HK.json"
KLINE = "eastmoney/kline/1.688256.json"
SPLIT = json.dumps([
    {"origin": "reconstructed", "first_date": "2024-12-02", "last_date": "2025-10-30"},
    {"origin": "synthetic", "first_date": "2025-10-31", "last_date": "2026-01-30"},
])


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    db.apply_ddl(connection)
    yield connection
    connection.close()


def _origins(*rows: tuple[str, str, str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"source_file": path, "provider": path.split("/")[0], "endpoint": endpoint,
          "subject": subject, "origin": origin, "origin_detail": f"{origin} {subject}",
          "repairs": "[]", "origin_ranges": ranges}
         for path, endpoint, subject, origin, ranges in rows],
        schema={"source_file": pl.String, "provider": pl.String, "endpoint": pl.String,
                "subject": pl.String, "origin": pl.String, "origin_detail": pl.String,
                "repairs": pl.String, "origin_ranges": pl.String})


def _run(con: duckdb.DuckDBPyConnection, run_id: str, bars: dict[str, tuple[date, date]],
         origins: pl.DataFrame) -> list[tuple[object, ...]]:
    """Stage weekday bars for each body's span, merge the run's provenance, read it back."""
    load.set_run_context(con, run_id=run_id, as_of=max(e for _, e in bars.values()),
                         source="test")
    db.run_sql_file(con, "staging/security_bars.sql")
    for path, (first, last) in bars.items():
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        con.executemany(
            "INSERT INTO staging.security_bars (symbol, trade_date, close, source_file) "
            "VALUES (?, ?, 1.0, ?)", [(path, day, path) for day in days if day.weekday() < 5])
    provenance.merge_origins(con, origins)
    return con.execute(
        "SELECT subject, origin, first_date, last_date, loaded_run_id FROM ops.data_origins "
        "ORDER BY subject, first_date").fetchall()


def test_a_snapshot_run_stores_each_origin_with_its_dates(
    con: duckdb.DuckDBPyConnection,
) -> None:
    stored = _run(con, "snap", {HK: (date(2024, 12, 2), date(2026, 1, 30)),
                                KLINE: (date(2024, 12, 2), date(2026, 1, 30))},
                  _origins((HK, "stock_chart", "09888.HK", "synthetic", SPLIT),
                           (KLINE, "stock_kline", "688256.SH", "reconstructed", None)))
    assert stored == [
        ("09888.HK", "reconstructed", date(2024, 12, 2), date(2025, 10, 30), "snap"),
        ("09888.HK", "synthetic", date(2025, 10, 31), date(2026, 1, 30), "snap"),
        ("688256.SH", "reconstructed", date(2024, 12, 2), date(2026, 1, 30), "snap"),
    ]
    published = provenance.published_origins(con, {"stock_chart": "security_bars"})
    assert published.columns[:7] == ["source_file", "provider", "endpoint", "subject", "origin",
                                     "first_date", "last_date"]
    # Each range names the dataset its endpoint feeds, by the mapping given (the provider
    # registry's); an endpoint it does not know keeps its ranges, without a dataset.
    assert published.columns[-1] == "dataset"
    assert published.select("endpoint", "subject", "origin", "dataset").rows() == [
        ("stock_chart", "09888.HK", "reconstructed", "security_bars"),
        ("stock_chart", "09888.HK", "synthetic", "security_bars"),
        ("stock_kline", "688256.SH", "reconstructed", None),
    ]


def test_declared_ranges_stop_where_the_staged_rows_stop(
    con: duckdb.DuckDBPyConnection,
) -> None:
    stored = _run(con, "early", {HK: (date(2024, 12, 2), date(2025, 6, 30))},
                  _origins((HK, "stock_chart", "09888.HK", "synthetic", SPLIT)))
    assert stored == [("09888.HK", "reconstructed", date(2024, 12, 2), date(2025, 6, 30),
                       "early")]


def test_a_live_night_cuts_the_ranges_it_restaged_and_later_nights_join_up(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _run(con, "snap", {HK: (date(2024, 12, 2), date(2026, 1, 30)),
                       KLINE: (date(2024, 12, 2), date(2026, 1, 30))},
         _origins((HK, "stock_chart", "09888.HK", "synthetic", SPLIT),
                  (KLINE, "stock_kline", "688256.SH", "reconstructed", None)))
    live = _origins((HK, "stock_chart", "09888.HK", "recorded", None),
                    (KLINE, "stock_kline", "688256.SH", "recorded", None))
    _run(con, "night1", {HK: (date(2026, 1, 26), date(2026, 2, 2)),
                         KLINE: (date(2026, 1, 26), date(2026, 2, 2))}, live)
    stored = _run(con, "night2", {HK: (date(2026, 2, 2), date(2026, 2, 3)),
                                  KLINE: (date(2026, 2, 2), date(2026, 2, 3))}, live)
    assert stored == [
        ("09888.HK", "reconstructed", date(2024, 12, 2), date(2025, 10, 30), "snap"),
        ("09888.HK", "synthetic", date(2025, 10, 31), date(2026, 1, 25), "snap"),
        ("09888.HK", "recorded", date(2026, 1, 26), date(2026, 2, 3), "night2"),
        ("688256.SH", "reconstructed", date(2024, 12, 2), date(2026, 1, 25), "snap"),
        ("688256.SH", "recorded", date(2026, 1, 26), date(2026, 2, 3), "night2"),
    ]


def test_a_run_that_staged_nothing_for_a_body_leaves_its_ranges(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _run(con, "snap", {KLINE: (date(2024, 12, 2), date(2026, 1, 30))},
         _origins((KLINE, "stock_kline", "688256.SH", "reconstructed", None)))
    stored = _run(con, "other", {HK: (date(2026, 1, 26), date(2026, 1, 30))},
                  _origins((KLINE, "stock_kline", "688256.SH", "recorded", None),
                           (HK, "stock_chart", "09888.HK", "recorded", None)))
    assert stored == [
        ("09888.HK", "recorded", date(2026, 1, 26), date(2026, 1, 30), "other"),
        ("688256.SH", "reconstructed", date(2024, 12, 2), date(2026, 1, 30), "snap"),
    ]

