"""The long form of the registry's series: one relation for tails, sessions and provenance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pytest

from warehouse import db, seeds, series


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    db.apply_ddl(connection)
    seeds.load_seeds(connection)
    connection.execute("INSERT INTO staging.index_bars VALUES ('STAR50', DATE '2026-01-29', "
                       "1, 1, 1, 1500, 1, 1, 'eastmoney/kline/1.000688.json')")
    connection.execute("INSERT INTO staging.margin VALUES ('SSE', DATE '2026-01-29', 1.4e12, "
                       "9e9, 1e11, 'sse/margin/SSE.json'), ('SSE', DATE '2026-01-30', 1.41e12, "
                       "9e9, 1e11, 'sse/margin/SSE.json')")
    connection.execute("INSERT INTO staging.valuation VALUES ('688256.SH', DATE '2026-01-30', "
                       "1300, 120, 5.4e11, 4.2e8, 'eastmoney/datacenter/v/688256.json')")
    yield connection
    connection.close()


def test_staged_long_form_carries_each_chained_datasets_value(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.sql(series.staged()).order("dataset, trade_date").fetchall()
    assert rows == [
        ("index_bars", "STAR50", date(2026, 1, 29), 1500.0, "eastmoney/kline/1.000688.json"),
        ("margin", "SSE", date(2026, 1, 29), 1.4e12, "sse/margin/SSE.json"),
        ("margin", "SSE", date(2026, 1, 30), 1.41e12, "sse/margin/SSE.json"),
    ]
    assert {d.name for d in series.chained()} == {
        "index_bars", "security_bars", "fx_rates", "margin"}


def test_calendars_come_from_seeds_fixed_and_by_series_declarations(
    con: duckdb.DuckDBPyConnection,
) -> None:
    chained = dict(((d, s), c) for d, s, c in con.sql(series.calendars()).fetchall())
    assert chained[("index_bars", "HSI")] == "XHKG"
    assert chained[("margin", "SSE")] == "XSHG"
    every = dict(((d, s), c)
                 for d, s, c in con.sql(series.calendars(every_dataset=True)).fetchall())
    assert every[("valuation", "688256.SH")] == "XSHG"
    assert every[("ipo_listings", "HKEX")] == "XHKG"
    assert ("valuation", "688256.SH") not in chained


def test_file_spans_cover_every_staged_body(con: duckdb.DuckDBPyConnection) -> None:
    spans = {f: (a, b) for f, a, b in con.sql(series.file_spans()).fetchall()}
    assert spans == {
        "eastmoney/kline/1.000688.json": (date(2026, 1, 29), date(2026, 1, 29)),
        "sse/margin/SSE.json": (date(2026, 1, 29), date(2026, 1, 30)),
        "eastmoney/datacenter/v/688256.json": (date(2026, 1, 30), date(2026, 1, 30)),
    }
