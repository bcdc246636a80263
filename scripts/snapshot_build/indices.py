"""Index series: Eastmoney klines (A-share indices, HSTECH ETF proxy, HSI, Nasdaq-100) and the
Yahoo ^HSI / ^NDX charts that cross-check the last two, both from the same real closes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from flows.sources.landing import LandingZone
from snapshot_build.common import (
    Bar,
    Repair,
    blank_repair,
    check_sessions,
    decimals,
    iso,
    latest_on_or_before,
    load_seed,
    parse_day,
    read_table,
    scaled,
    sessions,
    whole,
    window_rows,
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
from snapshot_build.markets import hk_basket

INDEX_DIR = ("real", "indices")
EASTMONEY_NAMES = {
    "STAR50": "科创50", "CHINEXT": "创业板指", "CSI300": "沪深300", "CSIALL": "中证全指",
    "HSTECH": "恒生科技ETF", "HSI": "恒生指数", "NDX": "纳斯达克100",
}
YAHOO_LISTINGS = {
    "HSI": YahooListing("^HSI", "HKD", "HKG", "HKSE", "INDEX", "Asia/Hong_Kong", time(9, 30), 2),
    "NDX": YahooListing("^NDX", "USD", "NIM", "Nasdaq GIDS", "INDEX", "America/New_York",
                        time(9, 30), 2),
}


@dataclass(frozen=True)
class IndexBuild:
    """An index series ready to be written as an Eastmoney kline."""

    bars: list[KBar]
    pre_close: float | None
    digits: int
    detail: str
    repairs: list[Repair]


def price_digits(rows: list[dict[str, str]], columns: tuple[str, ...]) -> int:
    """The precision the source publishes prices at, so no digit is lost or invented."""
    return max(decimals(row[name]) for row in rows for name in columns)


def star50(shared: Path) -> IndexBuild:
    """STAR 50 from daqingguaizi/kcb50-strategy: OHLC + volume, no amount."""
    cols = ["open", "high", "low", "close", "volume"]
    cut = window_rows(read_table(shared.joinpath(*INDEX_DIR, "star50_000688_daily.csv"), "date"),
                      "date", cols)
    bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), float(r["high"]),
                 float(r["low"]), str(round(float(r["volume"]) / 100)), MISSING)
            for r in cut.rows]
    return IndexBuild(
        bars, float(cut.before["close"]) if cut.before else None,
        price_digits(cut.rows, ("open", "high", "low", "close")),
        "SSE STAR 50 (000688) daily OHLC from daqingguaizi/kcb50-strategy @ d1ab52bae3 "
        "data/000688.csv, prices unchanged at the source's 3 decimals. The source does not state "
        "its volume unit (PROVENANCE: early rows look like shares, 2026 rows are multiples of "
        "100); in-window magnitudes (0.35e9-2.2e9 per day, continuous across the switch to round "
        "hundreds in 2025-05) fit shares, so volume is converted to Eastmoney's lots (see "
        "repairs); treat it as indicative. Amount and turnover are not in the source ('-'); "
        "amplitude, pct change and change are derived from the prices.",
        [*blank_repair(cut.blank, "star50_000688_daily.csv"),
         Repair("unit_volume_shares_to_lots",
                "source volume is in shares; divided by 100 and rounded to whole lots",
                tuple(r["date"] for r in cut.rows))],
    )


def chinext(shared: Path) -> IndexBuild:
    """ChiNext from LiuZesensengsheng/gupiao: tushare units (lots, 1,000 CNY)."""
    cols = ["open", "high", "low", "close", "volume", "amount"]
    cut = window_rows(read_table(shared.joinpath(*INDEX_DIR, "chinext_399006_daily.csv"), "date"),
                      "date", cols)
    bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), float(r["high"]),
                 float(r["low"]), whole(r["volume"]), scaled(r["amount"], 1000)) for r in cut.rows]
    return IndexBuild(
        bars, float(cut.before["close"]) if cut.before else None,
        price_digits(cut.rows, ("open", "high", "low", "close")),
        "ChiNext Index (399006) daily from LiuZesensengsheng/gupiao @ 8a6f5b2afb "
        "data/399006.SZ.csv (source column order open,high,low,close re-ordered to Eastmoney's "
        "open,close,high,low); prices unchanged at 4 decimals; volume in lots as given; amount "
        "converted from 1,000 CNY to yuan (see repairs); amplitude, pct change and change "
        "derived; turnover '-'.",
        [*blank_repair(cut.blank, "chinext_399006_daily.csv"),
         Repair("unit_amount_kcny_to_cny",
                "tushare amount is in 1,000 CNY; multiplied by 1000 (exact decimal) to yuan",
                tuple(r["date"] for r in cut.rows))],
    )


def csi300(shared: Path) -> IndexBuild:
    """CSI 300 from the tushare file; in-window amounts are yuan (the break is in 2026-03)."""
    cols = ["open", "close", "high", "low", "volume", "amount"]
    path = shared.joinpath(*INDEX_DIR, "csi300_000300_daily_tushare.csv")
    cut = window_rows(read_table(path, "date"), "date", cols)
    for row in cut.rows:
        per_share = float(row["amount"]) / (float(row["volume"]) * 100)
        if not 1 < per_share < 100:
            raise ValueError(f"CSI300 {row['date']}: amount/volume {per_share:.4f} is not yuan")
    bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), float(r["high"]),
                 float(r["low"]), whole(r["volume"]), scaled(r["amount"], 1)) for r in cut.rows]
    return IndexBuild(
        bars, float(cut.before["close"]) if cut.before else None,
        price_digits(cut.rows, ("open", "high", "low", "close")),
        "CSI 300 (000300) daily from LiuZesensengsheng/gupiao @ 8a6f5b2afb data/000300.SH.csv "
        "(tushare; source order open,close,high,low is already Eastmoney's); prices, volume "
        "(lots) and amount (yuan) unchanged - every in-window row was checked to be in yuan, the "
        "file's switch to 1,000 CNY happens on 2026-03-17/18, after the window; amplitude, pct "
        "change and change derived; turnover '-'.",
        blank_repair(cut.blank, "csi300_000300_daily_tushare.csv"),
    )


def csiall(shared: Path) -> IndexBuild:
    """CSI All Share from the official csindex perf API dump: OHLC + turnover in 亿元."""
    cols = ["open", "high", "low", "close", "amount_yi"]
    cut = window_rows(read_table(shared.joinpath(*INDEX_DIR, "csindex_000985_daily_pe.csv"),
                                 "date"), "date", cols)
    bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), float(r["high"]),
                 float(r["low"]), MISSING, scaled(r["amount_yi"], 100_000_000)) for r in cut.rows]
    return IndexBuild(
        bars, float(cut.before["close"]) if cut.before else None,
        price_digits(cut.rows, ("open", "high", "low", "close")),
        "CSI All Share (000985) daily OHLC and turnover from the official csindex.com.cn perf "
        "API as dumped by cateatcatx/ai-theme-monitor @ 16995c5d11 data/000985.csv; prices "
        "unchanged; amount converted from 亿元 to yuan (see repairs); the source has no volume "
        "('-'); its index P/E column is not part of a kline and is not carried.",
        [*blank_repair(cut.blank, "csindex_000985_daily_pe.csv"),
         Repair("unit_amount_yi_to_cny",
                "csindex amount_yi is in 1e8 CNY; multiplied by 100000000 (exact decimal) to yuan",
                tuple(r["date"] for r in cut.rows))],
    )


def hstech_proxy(shared: Path) -> IndexBuild:
    """The 513130.SH ETF (Eastmoney/akshare columns), extended to the window end."""
    cols = ["open", "close", "high", "low", "volume",
            "成交额", "振幅", "涨跌幅", "涨跌额", "换手率"]
    path = shared.joinpath(*INDEX_DIR, "hstech_proxy_513130_etf_daily.csv")
    cut = window_rows(read_table(path, "date"), "date", cols)
    bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), float(r["high"]),
                 float(r["low"]), whole(r["volume"]), scaled(r["成交额"], 1),
                 (r["振幅"], r["涨跌幅"], r["涨跌额"], r["换手率"])) for r in cut.rows]
    digits = price_digits(cut.rows, ("open", "close", "high", "low"))
    extension, detail = extend_with_constituents(shared, bars[-1], digits)
    return IndexBuild(
        bars + extension, float(cut.before["close"]) if cut.before else None, digits,
        "PROXY, not the Hang Seng TECH index: the Huatai-PineBridge Hang Seng Tech ETF "
        "513130.SH, priced in CNY (~0.7 per unit; includes HKD/CNY FX, fees and premium/"
        "discount), from chenkx612/simple-a-shares-quant-system @ 8e751de141 data/513130.csv "
        "(akshare fund_etf_hist_em, already in Eastmoney column order; volume lots, amount yuan, "
        "amplitude/pct/change/turnover as published). The source ends 2026-01-21; the last "
        "sessions are extended from real HK constituent prices (see repairs).",
        [*blank_repair(cut.blank, "hstech_proxy_513130_etf_daily.csv"),
         Repair("extend_proxy_with_constituents", detail,
                tuple(iso(bar.day) for bar in extension))],
    )


def extend_with_constituents(
    shared: Path, last: KBar, digits: int
) -> tuple[list[KBar], str]:
    """Chain the cap-weighted HK basket's daily return onto the ETF's last close.

    Each XSHG session maps to the latest XHKG session on or before it, so a Shanghai day on
    which Hong Kong is shut carries a zero return instead of borrowing a future price.
    """
    basket = hk_basket(shared)
    hk_days = basket.dates()
    cn_days = [day for day in sessions("XSHG") if day > last.day]
    level = last.close
    anchor = latest_on_or_before(hk_days, last.day)
    bars: list[KBar] = []
    steps: list[str] = []
    for day in cn_days:
        hk_day = latest_on_or_before(hk_days, day)
        change = basket.levels[hk_day] / basket.levels[anchor] - 1
        level *= 1 + change
        steps.append(f"{iso(day)}<-HK {iso(hk_day)} {change * 100:+.2f}%")
        bars.append(KBar(day, level, level, level, level, MISSING, MISSING))
        anchor = hk_day
    weights = ", ".join(f"{symbol} {count}" for symbol, count in basket.shares.items())
    detail = (
        f"513130.SH has no rows after {iso(last.day)}; each later XSHG session gets O=H=L=C = the "
        f"previous level x (1 + close-to-close return of the market-cap-weighted basket of the "
        f"five real Hang Seng TECH constituents in ../shared/data/real/stocks_hk, weights = "
        f"shares_outstanding from warehouse/seeds/securities.csv x HKD close; {weights}), "
        f"using the latest XHKG session on or before each date; rounded to {digits} decimals; "
        f"HKD/CNY FX ignored; volume and amount '-'. Steps: {'; '.join(steps)}"
    )
    return bars, detail


YAHOO_SOURCES = {
    "HSI": ("hsi_daily.csv", "tzjtan/historical-stock-data @ 9f366893b4 data/HSI.csv"),
    "NDX": ("nasdaq100_NDX_daily.csv",
            "tzjtan/historical-stock-data @ 9f366893b4 data/NASDAQ100.csv"),
}


def yahoo_sourced(code: str) -> Callable[[Path], IndexBuild]:
    """An Eastmoney kline of HSI / Nasdaq-100 from the yfinance dump its Yahoo chart uses."""
    def build(shared: Path) -> IndexBuild:
        filename, citation = YAHOO_SOURCES[code]
        rows = read_table(shared.joinpath(*INDEX_DIR, filename), "date")
        cut = window_rows(rows, "date", ["open", "close", "volume"])
        bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), None, None,
                     whole(r["volume"]), MISSING) for r in cut.rows]
        return IndexBuild(
            bars, float(cut.before["close"]) if cut.before else None,
            price_digits(cut.rows, ("open", "close")),
            f"RECONSTRUCTED in Eastmoney's format from the same yfinance dump as "
            f"{YAHOO_LISTINGS[code].ticker} ({citation}), so Eastmoney and Yahoo agree exactly "
            "here, as their shared official close should: open/close unchanged at the source's "
            "decimals; the source kept no high/low or amount ('-'); volume as in the source "
            "(Yahoo's count, not Eastmoney's own unit); amplitude '-', pct change and change "
            "derived; turnover '-'.",
            blank_repair(cut.blank, filename),
        )
    return build


EASTMONEY_BUILDERS = {
    "STAR50": star50, "CHINEXT": chinext, "CSI300": csi300, "CSIALL": csiall,
    "HSTECH": hstech_proxy, "HSI": yahoo_sourced("HSI"), "NDX": yahoo_sourced("NDX"),
}


def yahoo_index(shared: Path, code: str) -> tuple[list[Bar], float | None, str, list[Repair]]:
    """^HSI / ^NDX from yfinance dumps that only kept open, close and volume."""
    filename, citation = YAHOO_SOURCES[code]
    rows = read_table(shared.joinpath(*INDEX_DIR, filename), "date")
    cut = window_rows(rows, "date", ["open", "close", "volume"])
    bars = [Bar(parse_day(r["date"]), float(r["open"]), None, None, float(r["close"]),
                float(r["volume"])) for r in cut.rows]
    note = ("placeholder rows were dropped (see repairs)" if cut.blank else
            "the source has no blank placeholder rows inside the window")
    detail = (f"{YAHOO_LISTINGS[code].ticker} daily open/close/volume (yfinance) from {citation}; "
              f"values unchanged; the source kept no high/low, so those arrays are null; {note}.")
    previous = float(cut.before["close"]) if cut.before else None
    return bars, previous, detail, blank_repair(cut.blank, filename)


def build_indices(shared: Path, landing: LandingZone) -> None:
    """Write every seeded index and the Yahoo charts that cross-check HSI and NDX."""
    for spec in load_seed("indices.csv"):
        code, secid = spec["index_code"], spec["provider_code"]
        if spec["provider"] == "eastmoney":
            built = EASTMONEY_BUILDERS[code](shared)
            check_sessions([bar.day for bar in built.bars], spec["calendar"], code)
            lines = kline_lines(kline_rows(built.bars, built.pre_close), built.digits)
            body = kline_body(secid, EASTMONEY_NAMES[code], built.digits, built.pre_close, lines)
            land(landing, 
                f"eastmoney/kline/{secid}.json", body, provider="eastmoney",
                dataset="index_kline", subject=code, request=kline_request(secid, 0),
                origin="reconstructed", origin_detail=built.detail, repairs=built.repairs,
            )
        else:
            raise ValueError(f"{code}: the snapshot builds index bars from Eastmoney klines only")
        if code in YAHOO_LISTINGS:
            ticker = YAHOO_LISTINGS[code].ticker
            bars, previous, detail, repairs = yahoo_index(shared, code)
            check_sessions([bar.day for bar in bars], spec["calendar"], code)
            land(landing, 
                f"yahoo/chart/{ticker}.json", chart_body(YAHOO_LISTINGS[code], bars, previous),
                provider="yahoo", dataset="index_chart_check", subject=code,
                request=chart_request(ticker), origin="reconstructed",
                origin_detail=detail + " The gate compares its closes with the Eastmoney kline's.",
                repairs=repairs,
            )
