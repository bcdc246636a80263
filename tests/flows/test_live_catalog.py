"""Incremental windows: each live request starts at its series' last stored date less an overlap."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.catalog import build_catalog, last_stored_dates
from flows.sources.request import Windows, page_of
from warehouse import db

START, END = date(2024, 12, 2), date(2026, 1, 30)


def test_a_stored_series_starts_at_its_tail_less_the_overlap() -> None:
    windows = Windows(START, END, {("index_bars", "STAR50"): date(2026, 1, 15),
                                   ("margin", "SSE"): date(2026, 1, 20),
                                   ("margin", "SZSE"): date(2026, 1, 19),
                                   ("fx_rates", "USDCNY"): date(2024, 12, 5)}, overlap_days=10)
    assert windows.since([("index_bars", "STAR50")]) == date(2026, 1, 5)
    assert windows.since([("margin", "SSE"), ("margin", "SZSE")]) == date(2026, 1, 9)
    assert windows.since([("fx_rates", "USDCNY")]) == START
    assert windows.since([("index_bars", "NEW_INDEX")]) == START
    assert windows.since([("margin", "SSE"), ("margin", "BSE")]) == START


def test_a_window_never_ends_before_it_starts() -> None:
    windows = Windows(START, date(2025, 6, 30), {("index_bars", "STAR50"): END}, overlap_days=10)
    assert windows.since([("index_bars", "STAR50")]) == date(2025, 6, 30)


def test_last_stored_dates_reads_every_core_series() -> None:
    con = duckdb.connect()
    db.apply_ddl(con)
    con.execute("INSERT INTO core.index_bars (index_code, trade_date, close, loaded_run_id) "
                "VALUES ('STAR50', '2026-01-14', 1.0, 'r'), ('STAR50', '2026-01-15', 1.0, 'r')")
    con.execute("INSERT INTO core.ipo_listings (symbol, exchange, listing_date, loaded_run_id) "
                "VALUES ('603402.SH', 'SSE', '2026-01-06', 'r'), "
                "('301001.SZ', 'SZSE', '2026-01-15', 'r'), "
                "('06082.HK', 'HKEX', '2026-01-02', 'r')")
    assert last_stored_dates(con) == {
        ("index_bars", "STAR50"): date(2026, 1, 15),
        ("ipo_listings", "CN"): date(2026, 1, 15),
        ("ipo_listings", "HK"): date(2026, 1, 2),
    }
    con.close()


def test_incremental_requests_land_where_full_ones_do() -> None:
    full = build_catalog(START, END)
    stored = {("index_bars", "STAR50"): date(2026, 1, 15),
              ("valuation", "688256.SH"): date(2026, 1, 29)}
    tail = build_catalog(START, END, stored, overlap_days=10)
    assert [spec.path for spec in tail] == [spec.path for spec in full]
    by_subject = {(spec.endpoint, spec.subject): spec for spec in tail}
    assert by_subject[("index_kline", "STAR50")].params["beg"] == "20260105"
    assert by_subject[("index_kline", "CHINEXT")].params["beg"] == "20241202"
    assert "(TRADE_DATE>='2026-01-19')" in by_subject[("valuation", "688256.SH")].params["filter"]
    assert {spec.subject for spec in tail if spec.endpoint == "ipo_hk"} == {"2025", "2026"}


def test_a_later_page_lands_beside_the_first() -> None:
    report = next(spec for spec in build_catalog(START, END) if spec.endpoint == "eps_forecast")
    page = page_of(report, 3)
    assert page.path == "eastmoney/datacenter/RPT_WEB_RESPREDICT/CN.p3.json"
    assert page.params == {**report.params, "pageNumber": "3"}
