"""A-share klines picked per date from several public dumps (300496, 688521 and the STAR IPOs).

Each dump has days it got wrong: a run of the fetch script during the session wrote a partial
intraday bar as the day's row. PROVENANCE.md lists those rows; they are never used, and the
other source fills the day. Every day both sources hold a good row, their closes must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from snapshot_build.common import (
    WINDOW_END,
    WINDOW_START,
    Repair,
    iso,
    parse_day,
    read_table,
    scaled,
    sessions,
)
from snapshot_build.formats import MISSING, KBar

STOCKS_CN = ("real", "stocks_cn")
XIEDONGE = "xiedonge/first_codex @ 437ad90a5d data/daily/{code}.csv (Eastmoney push2his kline, " \
           "fqt=1; the company paid no dividend in the window, so the prices are the quotes)"
GERRY = "GerryZhang0925/data-driven-stock-picker @ f6e5941e8b data/daily/{code}.csv (akshare " \
        "stock_zh_a_hist, Eastmoney)"
# Partial intraday rows (PROVENANCE.md, "Additions of 2026-12-02"); GerryZhang's last rows of
# the two debuts (2026-01-20, "unverified" there) disagree with xiedonge's and are partial too.
XIEDONGE_BAD = {"688521": ("2026-01-22",), "688795": ("2026-01-27",),
                "688802": ("2026-01-27",)}
GERRY_BAD = {"688521": ("2025-12-30", "2026-01-20", "2026-01-26"),
             "688795": ("2025-12-30", "2026-01-20"), "688802": ("2025-12-30", "2026-01-20")}
HALTS = {"688521": (date(2025, 8, 29), date(2025, 9, 11))}


@dataclass(frozen=True)
class Picked:
    """A kline series built from several dumps, ready for the kline writer."""

    bars: list[KBar]
    pre_close: float | None
    repairs: list[Repair]
    detail: str


def _xiedonge_bar(row: dict[str, str]) -> KBar:
    return KBar(parse_day(row["date"]), float(row["open"]), float(row["close"]),
                float(row["high"]), float(row["low"]), row["volume"], scaled(row["amount"], 1),
                (row["amplitude"], row["pct_chg"], row["chg"], row["turnover"]))


def _gerry_bar(row: dict[str, str]) -> KBar:
    return KBar(parse_day(row["日期"]), float(row["开盘"]), float(row["收盘"]),
                float(row["最高"]), float(row["最低"]), row["成交量"], scaled(row["成交额"], 1),
                (row["振幅"], row["涨跌幅"], row["涨跌额"], row["换手率"]))


def _close_from_next(day: date, following: dict[str, str]) -> KBar:
    """Only the close is known: the next row's close less its published change."""
    close = float(following["close"]) - float(following["chg"])
    return KBar(day, None, round(close, 2), None, None, MISSING, MISSING)


def pick_eastmoney(shared: Path, code: str) -> Picked:
    """xiedonge's kline rows, GerryZhang's where xiedonge's are partial or missing."""
    xrows = read_table(shared.joinpath(*STOCKS_CN, "eastmoney_kline_xiedonge", f"{code}.csv"),
                       "date")
    grows = read_table(shared.joinpath(*STOCKS_CN, "akshare_em_gerryzhang", f"{code}.csv"), "日期")
    xie = {row["date"]: row for row in xrows if row["date"] not in XIEDONGE_BAD[code]}
    gerry = {row["日期"]: row for row in grows if row["日期"] not in GERRY_BAD[code]}
    listed = parse_day(xrows[0]["date"])
    expected = [day for day in sessions("XSHG") if day >= listed and not _halted(code, day)]
    ordered = sorted(xie)
    bars: list[KBar] = []
    from_gerry: list[str] = []
    implied: list[str] = []
    for day in expected:
        text = iso(day)
        if text in xie:
            if text in gerry and float(gerry[text]["收盘"]) != float(xie[text]["close"]):
                raise ValueError(f"{code} {text}: the two Eastmoney dumps disagree on the close")
            bars.append(_xiedonge_bar(xie[text]))
        elif text in gerry:
            bars.append(_gerry_bar(gerry[text]))
            from_gerry.append(text)
        else:
            following = next(later for later in ordered if later > text)
            bars.append(_close_from_next(day, xie[following]))
            implied.append(text)
    before = [row for row in xrows if parse_day(row["date"]) < WINDOW_START]
    pre_close = float(before[-1]["close"]) if before else float(xrows[0]["meta_preKPrice"])
    repairs = [Repair("drop_partial_intraday_rows",
                      "rows a fetch wrote during the session (partial volume, a close that is not "
                      "the day's) are not used: xiedonge " + ", ".join(XIEDONGE_BAD[code])
                      + "; GerryZhang " + ", ".join(GERRY_BAD[code]),
                      XIEDONGE_BAD[code] + GERRY_BAD[code])]
    if from_gerry:
        repairs.append(Repair("fill_from_second_source",
                              "days xiedonge lacks or got wrong, taken from GerryZhang's "
                              "akshare dump (same Eastmoney numbers)", tuple(from_gerry)))
    if implied:
        repairs.append(Repair("close_from_next_change",
                              "no source has a complete bar: the close is the next day's close "
                              "less its published change; open, high, low, volume and amount "
                              "are unknown ('-')", tuple(implied)))
    first = "listing day, preKPrice = issue price" if not before else "window start"
    detail = (f"Eastmoney daily klines from {iso(bars[0].day)} ({first}) to "
              f"{iso(WINDOW_END)}: {XIEDONGE.format(code=code)}, and "
              f"{GERRY.format(code=code)} where xiedonge's row is partial or missing; amplitude, "
              f"pct change, change, turnover and amount as the provider published them.")
    return Picked(bars, pre_close, repairs, detail)


def _halted(code: str, day: date) -> bool:
    start, end = HALTS.get(code, (date.max, date.min))
    return start <= day <= end


def listing_facts(shared: Path, code: str) -> tuple[date, float, KBar]:
    """Listing day, issue price (the first row's ``preKPrice``) and first-day bar."""
    rows = read_table(shared.joinpath(*STOCKS_CN, "eastmoney_kline_xiedonge", f"{code}.csv"),
                      "date")
    return parse_day(rows[0]["date"]), float(rows[0]["meta_preKPrice"]), _xiedonge_bar(rows[0])


def chain_300496(shared: Path) -> Picked:
    """ThunderSoft: LYH-RAIN, then ljinkai, then the Overwatch slice, each for its own days."""
    lyh = {r["date"]: r for r in read_table(
        shared.joinpath(*STOCKS_CN, "akshare_qfq_lyhrain", "300496.csv"))}
    ljk = {r["date"]: r for r in read_table(
        shared.joinpath(*STOCKS_CN, "akshare_qfq_ljinkai", "300496.csv"))}
    ovw = {r["日期"]: r for r in read_table(
        shared.joinpath(*STOCKS_CN, "overwatch_slice", "300496_2025-12-01_2026-01-30.csv"),
        "日期")}
    for shared_day in set(lyh) & set(ljk) | set(ljk) & set(ovw):
        closes = {float(src[shared_day].get("close") or src[shared_day]["收盘价"])
                  for src in (lyh, ljk, ovw) if shared_day in src}
        if len(closes) != 1:
            raise ValueError(f"300496 {shared_day}: the dumps disagree on the close ({closes})")
    bars: list[KBar] = []
    used: dict[str, list[str]] = {"lyh": [], "ljinkai": [], "overwatch": []}
    for day in sessions("XSHG"):
        text = iso(day)
        if text in lyh:
            row, name = lyh[text], "lyh"
        elif text in ljk:
            row, name = ljk[text], "ljinkai"
        else:
            over = ovw[text]
            row, name = {"open": over["开盘价"], "close": over["收盘价"], "high": over["最高价"],
                         "low": over["最低价"],
                         "volume": str(float(over["成交量（股）"]) / 100)}, "overwatch"
        used[name].append(text)
        bars.append(KBar(day, float(row["open"]), float(row["close"]), float(row["high"]),
                         float(row["low"]), str(round(float(row["volume"]))), MISSING))
    previous = max(d for d in lyh if d < iso(WINDOW_START))
    repairs = [Repair("round_fractional_lots",
                      "the akshare dumps scale volume with the forward adjustment (fractional "
                      "lots) and Overwatch counts shares; all rounded to whole lots of 100",
                      tuple(used["lyh"] + used["ljinkai"] + used["overwatch"]))]
    detail = (
        "Daily bars picked per date from three public dumps that agree on every shared day "
        "(checked at build): LYH-RAIN/StockTradebyZ @ 5b936a3c29 data/300496.csv (akshare qfq as "
        f"of ~2025-11-21) {used['lyh'][0]}..{used['lyh'][-1]}; ljinkai/StockTradebyZ @ "
        f"caebb6b444 data/300496.csv (committed after the 2026-01-08 close) "
        f"{used['ljinkai'][0]}..{used['ljinkai'][-1]}; Overwatch-mercy/stock-data @ 7eb4605d7b "
        f"300496.csv (row slice) {used['overwatch'][0]}..{used['overwatch'][-1]}, whose "
        "2026-01-30 bar equals the Eastmoney clist snapshot. No dividend fell between the "
        "fetches, so the three share one price basis. Amplitude, pct change and change derived; "
        "amount and turnover '-'.")
    return Picked(bars, float(lyh[previous]["close"]), repairs, detail)
