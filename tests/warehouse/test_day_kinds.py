"""Candidate days classified by the seeded calendars, early closes and suspensions."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from warehouse import db, seeds


def _kinds(dataset: str, key: str, days: list[tuple[str, date]]) -> list[tuple[str, date, str]]:
    con = duckdb.connect()
    db.apply_ddl(con)
    seeds.load_seeds(con)
    frame = pl.DataFrame(days, schema={key: pl.String, "trade_date": pl.Date}, orient="row")
    return sorted(seeds.day_kinds(con, dataset, frame).rows())


def test_security_days_by_calendar_and_suspension() -> None:
    assert _kinds("security_bars", "symbol", [
        ("00700.HK", date(2025, 1, 27)),   # a full Hong Kong session
        ("00700.HK", date(2025, 1, 28)),   # Lunar New Year's Eve, a half day
        ("00700.HK", date(2025, 1, 29)),   # Lunar New Year
        ("00700.HK", date(2025, 12, 24)),  # Christmas Eve, a half day
        ("603019.SH", date(2025, 5, 27)),  # the seeded Sugon/Hygon halt
        ("603019.SH", date(2025, 1, 28)),  # Shanghai closes for the whole holiday
        ("NOT.HK", date(2025, 1, 29)),     # no seed: no calendar to judge by
    ]) == [
        ("00700.HK", date(2025, 1, 28), "early_close"),
        ("00700.HK", date(2025, 1, 29), "closed"),
        ("00700.HK", date(2025, 12, 24), "early_close"),
        ("603019.SH", date(2025, 1, 28), "closed"),
        ("603019.SH", date(2025, 5, 27), "suspended"),
    ]


def test_index_days_follow_the_index_calendar() -> None:
    assert _kinds("index_bars", "index_code", [
        ("HSI", date(2025, 12, 31)), ("HSI", date(2025, 12, 30)), ("NDX", date(2025, 11, 28)),
        ("STAR50", date(2025, 10, 1)),
    ]) == [
        ("HSI", date(2025, 12, 31), "early_close"),
        ("NDX", date(2025, 11, 28), "early_close"),
        ("STAR50", date(2025, 10, 1), "closed"),
    ]
