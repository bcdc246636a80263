"""IPO debuts are followed: bars requested from the listing date, first-day and since-listing
returns in ``mart_ipo_debuts`` from real data."""

from __future__ import annotations

from datetime import date

import duckdb

from flows.debuts import Debut, debut_specs
from flows.nightly import RunResult

END = date(2026, 1, 30)


def test_debut_specs_request_unseeded_debuts_from_their_listing_date() -> None:
    specs = debut_specs([
        Debut("688795.SH", "SSE", date(2025, 12, 5)),
        Debut("301999.SZ", "SZSE", date(2025, 6, 3)),
        Debut("06082.HK", "HKEX", date(2026, 1, 2)),
        Debut("02513.HK", "HKEX", date(2026, 1, 8)),
        Debut("688001.SH", "SSE", date(2019, 7, 22)),
    ], END)
    assert [(s.subject, s.path, s.params.get("beg") or s.params["period1"]) for s in specs] == [
        ("06082.HK", "yahoo/chart/6082.HK.json", "1767312000"),
        ("301999.SZ", "eastmoney/kline/0.301999.json", "20250603"),
        ("688795.SH", "eastmoney/kline/1.688795.json", "20251205"),
    ]


def test_a_stored_debut_is_fetched_from_its_tail() -> None:
    [spec] = debut_specs([Debut("688795.SH", "SSE", date(2025, 12, 5))], END,
                         {("security_bars", "688795.SH"): date(2026, 1, 20)}, overlap_days=5)
    assert (spec.params["beg"], spec.params["end"]) == ("20260115", "20260130")


def test_star_debuts_show_their_real_first_day_and_return_since_listing(
    published: RunResult,
) -> None:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        rows = con.execute(
            "SELECT symbol, round(first_day_return * 100, 2), return_since_listing IS NOT NULL, "
            "return_since_listing_date, is_ai FROM mart_ipo_debuts "
            "WHERE symbol IN ('688795.SH', '688802.SH') ORDER BY symbol").fetchall()
        with_bars = con.execute(
            "SELECT symbol FROM mart_ipo_debuts WHERE return_since_listing IS NOT NULL "
            "ORDER BY symbol").fetchall()
    assert rows == [("688795.SH", 425.46, True, END, True),
                    ("688802.SH", 692.95, True, END, True)]
    # Every debut the snapshot holds bars for: the two STAR debuts and Zhipu (seeded).
    assert with_bars == [("02513.HK",), ("688795.SH",), ("688802.SH",)]
