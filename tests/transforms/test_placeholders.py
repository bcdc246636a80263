"""Flat bars without volume: close-only on half days, dropped on days that did not trade."""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.placeholders import candidate_days, describe, split_placeholders

HALF_DAY, HOLIDAY, FULL, HALTED = (date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 27),
                                   date(2025, 5, 27))


SCHEMA = {"symbol": pl.String, "trade_date": pl.Date, "open": pl.Float64, "high": pl.Float64,
          "low": pl.Float64, "close": pl.Float64, "volume": pl.Float64, "amount": pl.Float64,
          "currency": pl.String}


def _bars(*rows: tuple[str, date, float | None, float | None, float | None, float,
                       float | None]) -> pl.DataFrame:
    """Staged security bars, as the Yahoo chart parser types them."""
    return pl.DataFrame([(s, d, o, h, lo, c, v, None, "HKD") for s, d, o, h, lo, c, v in rows],
                        schema=SCHEMA, orient="row")


BARS = _bars(
    ("00700.HK", FULL, 384.6, 394.6, 384.6, 392.2, 23605938.0),
    ("00700.HK", HALF_DAY, 398.5, 398.5, 398.5, 398.5, 0.0),
    ("00700.HK", HOLIDAY, 398.5, 398.5, 398.5, 398.5, 0.0),
    ("09988.HK", HOLIDAY, 101.0, 101.0, 101.0, 101.0, None),
    ("603019.SH", HALTED, 70.1, 70.1, 70.1, 70.1, 0.0),
    ("603019.SH", FULL, 70.1, 70.1, 70.1, 70.1, 0.0),
    ("03690.HK", HOLIDAY, 150.0, 152.0, 149.0, 151.0, 0.0),
)
KINDS = pl.DataFrame({
    "symbol": ["00700.HK", "00700.HK", "09988.HK", "603019.SH", "03690.HK"],
    "trade_date": [HALF_DAY, HOLIDAY, HOLIDAY, HALTED, HOLIDAY],
    "kind": ["early_close", "closed", "closed", "suspended", "closed"],
})


def test_candidates_are_the_flat_bars_without_volume() -> None:
    days = candidate_days(BARS, "symbol")
    assert days.rows() == [("00700.HK", HALF_DAY), ("00700.HK", HOLIDAY), ("09988.HK", HOLIDAY),
                           ("603019.SH", HALTED), ("603019.SH", FULL)]


def test_half_days_become_close_only_and_placeholders_go() -> None:
    split = split_placeholders(BARS, "symbol", KINDS)
    assert split.kept.schema == BARS.schema
    kept = {(r["symbol"], r["trade_date"]): r for r in split.kept.iter_rows(named=True)}
    assert set(kept) == {("00700.HK", FULL), ("00700.HK", HALF_DAY), ("603019.SH", FULL),
                         ("03690.HK", HOLIDAY)}
    half = kept[("00700.HK", HALF_DAY)]
    assert half["close"] == 398.5 and half["currency"] == "HKD"
    assert [half[c] for c in ("open", "high", "low", "volume", "amount")] == [None] * 5
    # A flat zero-volume bar on a full session is the gate's to refuse, untouched here.
    assert kept[("603019.SH", FULL)]["volume"] == 0.0
    # A bar that traded on a holiday is not a placeholder: the gate's session rule judges it.
    assert kept[("03690.HK", HOLIDAY)]["volume"] == 0.0
    assert kept[("00700.HK", FULL)]["open"] == 384.6
    assert split.dropped.select("symbol", "trade_date", "kind").rows() == [
        ("00700.HK", HOLIDAY, "closed"), ("09988.HK", HOLIDAY, "closed"),
        ("603019.SH", HALTED, "suspended")]
    assert split.half_days == 1


def test_the_order_of_kept_rows_is_the_input_order() -> None:
    kept = split_placeholders(BARS, "symbol", KINDS).kept
    order = [(s, d) for s, d, *_ in BARS.rows()]
    assert [(s, d) for s, d, *_ in kept.rows()] == [
        key for key in order if key not in {("00700.HK", HOLIDAY), ("09988.HK", HOLIDAY),
                                            ("603019.SH", HALTED)}]


def test_no_day_kinds_leaves_every_bar() -> None:
    empty = KINDS.clear()
    split = split_placeholders(BARS, "symbol", empty)
    assert split.kept.equals(BARS) and split.dropped.height == 0 and split.half_days == 0


def test_the_note_says_how_many_and_which() -> None:
    notes = describe("security_bars", "symbol", split_placeholders(BARS, "symbol", KINDS))
    assert notes == [
        "security_bars: 3 placeholder bar(s) dropped (flat, no volume, on a day the series did "
        "not trade): 00700.HK 2025-01-29 (closed); 09988.HK 2025-01-29 (closed); 603019.SH "
        "2025-05-27 (suspended)",
        "security_bars: 1 flat bar(s) without volume on early-close sessions kept as close-only "
        "half-day bars",
    ]
