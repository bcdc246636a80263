"""FX: real USD/CNY (Yahoo ``CNY=X``) and a synthetic USD/HKD (``HKD=X``), and the Eastmoney
forex klines that cross-check them (``133.USDCNH``, ``119.USDHKD``) from the same numbers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from snapshot_build.common import (
    WINDOW_END,
    WINDOW_START,
    Bar,
    Repair,
    in_window,
    is_blank,
    iso,
    parse_day,
    read_table,
    rng_for,
    seed_of,
)
from snapshot_build.formats import (
    MISSING,
    KBar,
    YahooListing,
    chart_body,
    chart_request,
    kline_body,
    kline_lines,
    kline_request,
)
from snapshot_build.landing import Landing

LONDON = ZoneInfo("Europe/London")
CNY = YahooListing("CNY=X", "CNY", "CCY", "CCY", "CURRENCY", "Europe/London", time(0), 4)
HKD = YahooListing("HKD=X", "HKD", "CCY", "CCY", "CURRENCY", "Europe/London", time(0), 4)
FX_DIGITS = 4
PEG_LOW, PEG_HIGH = 7.75, 7.85
# Where USD/HKD actually sat: strong side hit in early May 2025, weak side June to mid-August.
HKD_ANCHORS = (
    (date(2024, 12, 2), 7.7800), (date(2024, 12, 31), 7.7690), (date(2025, 1, 31), 7.7880),
    (date(2025, 3, 31), 7.7790), (date(2025, 4, 22), 7.7570), (date(2025, 5, 2), 7.7500),
    (date(2025, 5, 7), 7.7510), (date(2025, 5, 22), 7.8260), (date(2025, 6, 12), 7.8500),
    (date(2025, 8, 14), 7.8500), (date(2025, 8, 29), 7.8300), (date(2025, 9, 30), 7.7820),
    (date(2025, 10, 31), 7.7730), (date(2025, 11, 28), 7.7840), (date(2025, 12, 31), 7.7830),
    (date(2026, 1, 30), 7.7790),
)


def london_bar_date(label: date) -> date:
    """The London date of a Yahoo FX bar the source labelled with the UTC date of its timestamp.

    Yahoo stamps FX bars 00:00 Europe/London; in British Summer Time that instant is 23:00 UTC
    on the previous day, which is the date the source CSV kept (hence its Sunday rows and
    missing Fridays from April to October).
    """
    following = label + timedelta(days=1)
    offset = datetime.combine(following, time(0), LONDON).utcoffset()
    return following if offset == timedelta(hours=1) else label


def usd_cny(shared: Path) -> tuple[list[Bar], float | None, list[Repair]]:
    """Real USD/CNY closes with blank rows dropped and BST-shifted dates put back."""
    rows = read_table(shared / "real" / "fx" / "usd_cny_daily.csv", "date")
    values = ["open", "close", "volume"]
    blank = [row["date"] for row in rows
             if is_blank(row, values) and in_window(parse_day(row["date"]))]
    dated = [(london_bar_date(parse_day(row["date"])), row) for row in rows
             if not is_blank(row, values)]
    days = [day for day, _ in dated]
    if days != sorted(set(days)):
        raise ValueError("USD/CNY dates collide or go backwards after the BST correction")
    moved = [row["date"] for day, row in dated if in_window(day) and iso(day) != row["date"]]
    weekend = [iso(day) for day in days if in_window(day) and day.weekday() >= 5]
    kept = [(day, row) for day, row in dated if in_window(day) and day.weekday() < 5]
    before = [row for day, row in dated if day < WINDOW_START]
    bars = [Bar(day, float(row["open"]), None, None, float(row["close"]), float(row["volume"]))
            for day, row in kept]
    repairs = []
    if blank:
        repairs.append(Repair(
            "drop_blank_rows", "placeholder rows with a date and no values removed (dates as "
            "labelled in the source; in British Summer Time they are one day early, so "
            "2025-04-17/20 are Good Friday 04-18 and Easter Monday 04-21)", tuple(blank)))
    repairs.append(Repair(
        "shift_bst_dates_to_london",
        "the source labelled each bar with the UTC date of Yahoo's 00:00 Europe/London "
        "timestamp, one day early while British Summer Time is in force (Sunday-Thursday "
        "rows, no Fridays); these rows are moved one day later (source labels listed)",
        tuple(moved)))
    if weekend:
        repairs.append(Repair("drop_weekend_rows", "Saturday/Sunday bars removed",
                              tuple(weekend)))
    return bars, float(before[-1]["close"]) if before else None, repairs


def usd_hkd_path() -> tuple[list[Bar], float]:
    """A seeded USD/HKD path that follows the anchors and never leaves the 7.75-7.85 band."""
    rng = rng_for("HKD=X")
    days = [WINDOW_START + timedelta(days=n) for n in range((WINDOW_END - WINDOW_START).days + 1)]
    weekdays = [day for day in days if day.weekday() < 5]
    ordinals = [day.toordinal() for day in weekdays]
    base = np.interp(ordinals, [d.toordinal() for d, _ in HKD_ANCHORS],
                     [level for _, level in HKD_ANCHORS])
    deviation = 0.0
    previous = round(HKD_ANCHORS[0][1], 4)
    start = previous
    bars: list[Bar] = []
    for day, centre in zip(weekdays, base, strict=True):
        deviation = 0.85 * deviation + rng.normal(0, 0.0012)
        close = round(float(np.clip(centre + deviation, PEG_LOW, PEG_HIGH)), 4)
        open_ = round(float(np.clip(previous + rng.normal(0, 0.0005), PEG_LOW, PEG_HIGH)), 4)
        high = round(min(PEG_HIGH, max(open_, close) + abs(rng.normal(0, 0.0008))), 4)
        low = round(max(PEG_LOW, min(open_, close) - abs(rng.normal(0, 0.0008))), 4)
        bars.append(Bar(day, open_, high, low, close, 0.0))
        previous = close
    return bars, start


def build_fx(shared: Path, landing: Landing) -> None:
    """Write ``CNY=X`` (reconstructed) and ``HKD=X`` (synthetic)."""
    bars, previous, repairs = usd_cny(shared)
    landing.write(
        "yahoo/chart/CNY=X.json", chart_body(CNY, bars, previous), provider="yahoo",
        dataset="fx_chart", subject="USDCNY", request=chart_request("CNY=X"),
        origin="reconstructed",
        origin_detail=(
            "USD/CNY daily open/close (yfinance, Yahoo CNY=X) from tzjtan/historical-stock-data "
            "@ 9f366893b4 data/USD_CNY.csv; values unchanged; bars on London weekdays, stamped "
            "00:00 Europe/London; the source has no high/low (null); volume 0 as in the source. "
            "Weekday holidays the source left blank are absent (see repairs)."),
        repairs=repairs,
    )
    hkd_bars, start = usd_hkd_path()
    landing.write(
        "yahoo/chart/HKD=X.json", chart_body(HKD, hkd_bars, start), provider="yahoo",
        dataset="fx_chart", subject="USDHKD", request=chart_request("HKD=X"),
        origin="synthetic",
        origin_detail=(
            "SYNTHETIC: no public USD/HKD daily series for 2025-26 was found (files found end "
            "2019, 2022, 2024-01). Generated for every weekday: a piecewise-linear path through "
            "the documented peg history (about 7.77-7.79 Dec 2024-Mar 2025, strong side 7.75 in "
            "early May 2025, weak side 7.85 June to mid-August 2025, back near 7.78 by Jan 2026) "
            f"plus AR(1) noise, numpy default_rng(seed={seed_of('HKD=X')} = crc32('HKD=X')); every "
            "value is clipped to the 7.75-7.85 Linked Exchange Rate band; 4 decimals; volume 0."),
    )


def _known(price: float | None) -> float:
    if price is None:
        raise ValueError("every FX bar of the sources has an open and a close")
    return price


def fx_kline(bars: list[Bar], secid: str, name: str, previous: float | None) -> bytes:
    """An Eastmoney forex kline of the same bars (volume and amount are not kept for FX)."""
    kbars = [KBar(bar.day, _known(bar.open), _known(bar.close), bar.high, bar.low, MISSING,
                  MISSING) for bar in bars]
    lines = kline_lines(kbars, FX_DIGITS, previous)
    return kline_body(secid, name, FX_DIGITS, previous, lines)


def build_fx_klines(shared: Path, landing: Landing) -> None:
    """Write ``133.USDCNH`` (onshore numbers standing in) and ``119.USDHKD`` (synthetic)."""
    bars, previous, repairs = usd_cny(shared)
    landing.write(
        "eastmoney/kline/133.USDCNH.json",
        fx_kline(bars, "133.USDCNH", "美元兑离岸人民币", previous),
        provider="eastmoney", dataset="fx_kline_check", subject="USDCNY",
        request=kline_request("133.USDCNH", 0), origin="reconstructed",
        origin_detail=(
            "STAND-IN: no public offshore USD/CNH daily series for the window was found, so this "
            "Eastmoney kline carries the real ONSHORE USD/CNY open/close of yahoo/chart/CNY=X.json "
            "(tzjtan/historical-stock-data @ 9f366893b4 data/USD_CNY.csv, same dates and repairs) "
            "at 4 decimals; high/low, volume and amount '-'. The real CNH differs from CNY by the "
            "offshore basis (usually under 0.3%), which the gate's cross-check tolerates."),
        repairs=repairs,
    )
    hkd_bars, start = usd_hkd_path()
    landing.write(
        "eastmoney/kline/119.USDHKD.json", fx_kline(hkd_bars, "119.USDHKD", "美元兑港币", start),
        provider="eastmoney", dataset="fx_kline_check", subject="USDHKD",
        request=kline_request("119.USDHKD", 0), origin="synthetic",
        origin_detail=(
            "SYNTHETIC: the same seeded USD/HKD path as yahoo/chart/HKD=X.json (open, high, low, "
            "close at 4 decimals; volume and amount '-'), written as an Eastmoney forex kline."),
    )
