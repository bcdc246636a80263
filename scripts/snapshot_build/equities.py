"""Real equities: stitched A-share klines (akshare + Yahoo) and HK / US Yahoo charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from flows.sources.landing import LandingZone
from snapshot_build.cn_sources import Picked, chain_300496, pick_eastmoney
from snapshot_build.common import (
    WINDOW_END,
    Bar,
    Repair,
    blank_repair,
    early_closes,
    in_window,
    iso,
    load_seed,
    parse_day,
    read_table,
    sessions,
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

STITCH_DAY = date(2025, 3, 3)
PRICE_DIGITS = 2
YAHOO_CN = ("real", "stocks_cn", "yahoo_danyoko")


@dataclass(frozen=True)
class EarlySource:
    """The dump that covers an A-share before Yahoo's series starts on ``STITCH_DAY``."""

    folder: tuple[str, ...]
    citation: str
    label: str


SEARTURKY = EarlySource(("real", "stocks_cn", "akshare_qfq_searturky"),
                        "searturky/StockTradebyZ @ 7b6aacdcff data/{code}.csv (akshare, "
                        "forward-adjusted as of ~2025-08-25, volume in lots)", "akshare")
# Zhusongtong appends each day's bar after the close, forward-adjusted as of that fetch: its
# price basis steps at every later ex-dividend date, so only its rows before the seam are used.
ZHUSONGTONG = EarlySource(("real", "stocks_cn", "mootdx_qfq_zhusongtong"),
                          "Zhusongtong/StockTradebyZST @ 0453502fe0 data/{code}.csv (mootdx, "
                          "forward-adjusted as of each daily fetch, volume in lots; its rows "
                          "agree with zdnniz/stock_page @ 4efe974040 on daily returns)", "mootdx")
EARLY_SOURCES = {"000938.SZ": ZHUSONGTONG, "002415.SZ": ZHUSONGTONG,
                 "601360.SH": ZHUSONGTONG, "603893.SH": ZHUSONGTONG}
LISTING_CHECK = {"2513.HK": (date(2026, 1, 8), 120.0, 131.5)}
CITATIONS = {
    **{t: f"Koi-west/stock-predictor @ 79ed933362 data/{t}.csv (Yahoo, dividend-adjusted)"
       for t in ("0700.HK", "1810.HK", "3690.HK", "1024.HK", "2513.HK")},
    "9988.HK": "AZScience/mohinhdudoan @ 69ad41b6a8 data/9988.HK.csv (Yahoo, dividend-adjusted)",
    **{t: f"growwanalysis/nasdaq100 @ 51b1d5ba85 data/{t}.csv (yfinance; the split-adjusted "
          f"Close column is used, Adj Close is ignored)"
       for t in ("NVDA", "MSFT", "GOOGL", "META", "AMZN", "AVGO", "AMD", "PLTR")},
    "TSM": "davidliu-2008/wharton-investment-competition25-26 @ 89526f3e28 data/TSM.csv "
           "(yfinance, dividend-adjusted)",
    "ORCL": "AZScience/mohinhdudoan @ d377d5649c data/ORCL.csv (yfinance, dividend-adjusted)",
}
# STAR debuts of December 2025 in the IPO report, with their kline secids.
DEBUTS = {"688795": "1.688795", "688802": "1.688802"}
EXCHANGES = {"HKEX": ("HKG", "HKSE"), "NASDAQ": ("NMS", "NasdaqGS"), "NYSE": ("NYQ", "NYSE")}


def halted_days(symbol: str) -> set[date]:
    """Calendar days inside the suspensions seed for ``symbol``."""
    days: set[date] = set()
    for row in load_seed("suspensions.csv"):
        if row["symbol"] == symbol:
            day, end = parse_day(row["start_date"]), parse_day(row["end_date"])
            while day <= end:
                days.add(day)
                day += timedelta(days=1)
    return days


def stitch_a_share(
    shared: Path, symbol: str, ticker_code: str
) -> tuple[list[KBar], float, list[Repair], str]:
    """Early qfq rows before 2025-03-03 rebased onto the Yahoo rows from that day on."""
    code = symbol[:6]
    source = EARLY_SOURCES.get(symbol, SEARTURKY)
    akshare_rows = read_table(shared.joinpath(*source.folder, f"{code}.csv"))
    akshare = {parse_day(r["date"]): r for r in akshare_rows}
    yahoo_rows = read_table(shared.joinpath(*YAHOO_CN, f"{code}.csv"), "Date")
    yahoo = {parse_day(r["Date"]): r for r in yahoo_rows}
    a0, y0 = akshare[STITCH_DAY], yahoo[STITCH_DAY]
    factor = float(y0["Close"]) / float(a0["close"])
    volume_factor = float(y0["Volume"]) / 100 / float(a0["volume"])
    early = [day for day in sorted(akshare) if in_window(day) and day < STITCH_DAY]
    previous = max(day for day in akshare if day < early[0])
    bars = [KBar(day, float(akshare[day]["open"]) * factor, float(akshare[day]["close"]) * factor,
                 float(akshare[day]["high"]) * factor, float(akshare[day]["low"]) * factor,
                 str(round(float(akshare[day]["volume"]) * volume_factor)), MISSING)
            for day in early]
    late = [day for day in sorted(yahoo) if in_window(day) and day >= STITCH_DAY]
    filler = [day for day in late if float(yahoo[day]["Volume"]) == 0
              and len({yahoo[day][k] for k in ("Open", "High", "Low", "Close")}) == 1]
    kept = [day for day in late if day not in filler]
    bars += [KBar(day, float(yahoo[day]["Open"]), float(yahoo[day]["Close"]),
                  float(yahoo[day]["High"]), float(yahoo[day]["Low"]),
                  str(round(float(yahoo[day]["Volume"]) / 100)), MISSING) for day in kept]
    if sorted([bar.day for bar in bars] + filler) != list(sessions("XSHG")):
        raise ValueError(f"{symbol}: stitched dates plus halt filler differ from XSHG sessions")
    repairs = _stitch_repairs(symbol, source.label, factor, volume_factor, previous,
                              (float(y0["Close"]), a0["close"]), early, kept, filler)
    detail = (
        f"Daily bars stitched from two public dumps: {source.citation.format(code=code)} for "
        f"{iso(early[0])}..{iso(early[-1])}, and danyoko-bugover/GPT5.0-pureprice-stockpicking-chi "
        f"@ 8d1fba53af data/{code}.csv (Yahoo {ticker_code}, dividend-adjusted) from "
        f"{iso(STITCH_DAY)}; the two agree within 0.6% on their overlap. Prices rounded to "
        f"Eastmoney's 0.01 yuan; amplitude, pct change and change derived; amount and turnover "
        f"are in neither source ('-')."
    )
    return bars, float(akshare[previous]["close"]) * factor, repairs, detail


def _stitch_repairs(symbol: str, label: str, factor: float, volume_factor: float, previous: date,
                    closes: tuple[float, str], early: list[date], kept: list[date],
                    filler: list[date]) -> list[Repair]:
    """The repairs a stitched series records: the rebase (``closes``: Yahoo's and the early
    source's close on the stitch day), the volume unit and any halt filler dropped."""
    unlisted = [iso(day) for day in filler if day not in halted_days(symbol)]
    volume_note = "" if abs(volume_factor - 1) < 1e-6 else (
        " (Yahoo's volumes before a later bonus-share ex-date are split-adjusted, akshare's are "
        "not; rescaling keeps the series on Yahoo's basis with no jump at the seam)")
    repairs = [
        Repair("rebase_akshare_to_yahoo",
               f"{label} qfq rows (and the pre-window close used for preKPrice, "
               f"{iso(previous)}) put on Yahoo's adjustment base: prices x {factor:.6f} = Yahoo "
               f"close {closes[0]:.4f} / {label} close {closes[1]} on "
               f"{iso(STITCH_DAY)}; volume x {volume_factor:.4f} = Yahoo lots / {label} "
               f"lots that day{volume_note}; rounded to whole lots",
               tuple(iso(day) for day in early)),
        Repair("unit_volume_shares_to_lots",
               "Yahoo volume in shares divided by 100 and rounded to whole lots",
               tuple(iso(day) for day in kept)),
    ]
    if filler:
        seed_note = (f"; {', '.join(unlisted)} not in warehouse/seeds/suspensions.csv"
                     if unlisted else "; the halt is in warehouse/seeds/suspensions.csv")
        repairs.append(Repair(
            "drop_halt_filler", "Yahoo filler rows during a trading halt (volume 0, O=H=L=C "
            f"= last close) removed, as Eastmoney omits suspended days{seed_note}",
            tuple(iso(day) for day in filler)))
    return repairs


def a_share_bars(shared: Path, symbol: str) -> Picked:
    """The real daily bars of a seeded A-share, from whichever dumps cover it."""
    if symbol == "300496.SZ":
        return chain_300496(shared)
    if symbol == "688521.SH":
        return pick_eastmoney(shared, symbol[:6])
    suffix = ".SS" if symbol.endswith(".SH") else ".SZ"
    return Picked(*stitch_a_share(shared, symbol, symbol[:6] + suffix))


def build_a_shares(shared: Path, landing: LandingZone) -> dict[str, list[tuple[date, float]]]:
    """Write the reconstructed A-share klines; return each symbol's written closes."""
    closes: dict[str, list[tuple[date, float]]] = {}
    for sec in load_seed("securities.csv"):
        if sec["currency"] != "CNY" or sec["data_origin"] != "reconstructed":
            continue
        secid, symbol = sec["provider_code"], sec["symbol"]
        bars, pre_close, repairs, detail = astuple_picked(a_share_bars(shared, symbol))
        lines = kline_lines(kline_rows(bars, pre_close), PRICE_DIGITS)
        land(landing, 
            f"eastmoney/kline/{secid}.json",
            kline_body(secid, sec["name_local"], PRICE_DIGITS, pre_close, lines),
            provider="eastmoney", dataset="stock_kline", subject=symbol,
            request=kline_request(secid, 1), origin="reconstructed", origin_detail=detail,
            repairs=repairs,
        )
        closes[symbol] = [(bar.day, round(bar.close, PRICE_DIGITS)) for bar in bars]
    return closes


def astuple_picked(picked: Picked) -> tuple[list[KBar], float | None, list[Repair], str]:
    """The fields of ``picked`` in the order the kline writer takes them."""
    return picked.bars, picked.pre_close, picked.repairs, picked.detail


def build_debut_klines(shared: Path, landing: LandingZone) -> None:
    """Klines of the STAR debuts the IPO report lists (followed from their listing day)."""
    for code, secid in DEBUTS.items():
        picked = pick_eastmoney(shared, code)
        listed = picked.bars[0].day
        name = read_table(shared.joinpath("real", "stocks_cn", "eastmoney_kline_xiedonge",
                                          f"{code}.csv"), "date")[0]["name"]
        lines = kline_lines(kline_rows(picked.bars, picked.pre_close), PRICE_DIGITS)
        land(landing, 
            f"eastmoney/kline/{secid}.json",
            kline_body(secid, name, PRICE_DIGITS, picked.pre_close, lines),
            provider="eastmoney", dataset="stock_kline", subject=f"{code}.SH",
            request=kline_request(secid, 1, listed), origin="reconstructed",
            origin_detail=picked.detail, repairs=picked.repairs,
        )


def listing_for(sec: dict[str, str]) -> YahooListing:
    """Yahoo chart meta for a seed security."""
    short, full = EXCHANGES[sec["exchange"]]
    if sec["currency"] == "HKD":
        return YahooListing(sec["provider_code"], "HKD", short, full, "EQUITY",
                            "Asia/Hong_Kong", time(9, 30), 3)
    return YahooListing(sec["provider_code"], sec["currency"], short, full, "EQUITY",
                        "America/New_York", time(9, 30), 2)


def real_chart(shared: Path, sec: dict[str, str], source: Path | None = None,
               until: date = WINDOW_END) -> tuple[list[Bar], float | None, list[Repair]]:
    """A yfinance CSV (any of its three header layouts) cut to the window, ending ``until``."""
    folder = "stocks_hk" if sec["currency"] == "HKD" else "stocks_us"
    ticker = sec["provider_code"]
    rows = read_table(source or shared / "real" / folder / f"{ticker}.csv")
    date_key = next(iter(rows[0]))
    cut = window_rows(rows, date_key, ["Open", "High", "Low", "Close", "Volume"])
    half_days = early_closes(sec["calendar"])
    bars: list[Bar] = []
    placeholders: list[str] = []
    for row in cut.rows:
        day = parse_day(row[date_key])
        flat = len({row[k] for k in ("Open", "High", "Low", "Close")}) == 1
        if float(row["Volume"]) == 0 and flat and day in half_days:
            placeholders.append(iso(day))
            bars.append(Bar(day, None, None, None, float(row["Close"]), None))
        else:
            bars.append(Bar(day, float(row["Open"]), float(row["High"]), float(row["Low"]),
                            float(row["Close"]), float(row["Volume"])))
    days = [bar.day for bar in bars]
    if ticker in LISTING_CHECK:
        listed, first_open, first_close = LISTING_CHECK[ticker]
        head = bars[0]
        if (head.day, head.open, head.close) != (listed, first_open, first_close):
            raise ValueError(f"{ticker}: listing bar is {head}, expected {LISTING_CHECK[ticker]}")
        if days != [day for day in sessions(sec["calendar"]) if day >= listed]:
            raise ValueError(f"{ticker}: dates differ from sessions since listing")
    elif days != [day for day in sessions(sec["calendar"]) if day <= until]:
        raise ValueError(f"{ticker}: dates differ from the sessions up to {until}")
    if any(bar.volume == 0 for bar in bars):
        raise ValueError(f"{ticker}: zero-volume bar inside the window needs a repair rule")
    previous = float(cut.before["Close"]) if cut.before else None
    repairs = blank_repair(cut.blank, f"{ticker}.csv")
    if placeholders:
        repairs.append(Repair(
            "null_half_day_placeholders",
            "on HKEX half-day sessions the source has open=high=low=close and volume 0 (a "
            "Yahoo placeholder); the close is the half-day's own (on most of these days it "
            "differs from the previous close) and is kept, open/high/low/volume are unknown "
            "and written as null", tuple(placeholders)))
    return bars, previous, repairs


def build_real_charts(shared: Path, landing: LandingZone) -> None:
    """Write the HK and US Yahoo charts that come from real daily files."""
    for sec in load_seed("securities.csv"):
        if sec["provider"] != "yahoo" or sec["data_origin"] != "reconstructed":
            continue
        ticker = sec["provider_code"]
        bars, previous, repairs = real_chart(shared, sec)
        since = "" if previous is not None else f" Listed {iso(bars[0].day)}; no earlier bars."
        land(landing, 
            f"yahoo/chart/{ticker}.json", chart_body(listing_for(sec), bars, previous),
            provider="yahoo", dataset="stock_chart", subject=sec["symbol"],
            request=chart_request(ticker), origin="reconstructed",
            origin_detail=(f"Real daily OHLCV for {ticker} from {CITATIONS[ticker]}, values "
                           f"unchanged, written in Yahoo's v8 chart format (not a recorded "
                           f"response).{since}"),
            repairs=repairs,
        )
