"""Small test inputs under ``tests/data``: recorded payloads, real flaws, real CSV slices.

Tests must never read ``../shared``; everything they need to check the snapshot against the
original sources, or to feed a parser a genuine flaw, is copied or cut here.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from flows.sources.landing import manifest_json as pretty
from snapshot_build.common import Bar, decimals, in_window, parse_day, read_table, whole
from snapshot_build.formats import (
    KBar,
    YahooListing,
    chart_body,
    kline_body,
    kline_lines,
    kline_rows,
)
from snapshot_build.fx import CNY, london_bar_date

REAL_SLICES = ("star50_000688_daily.csv", "chinext_399006_daily.csv",
               "nasdaq100_NDX_daily.csv", "hsi_daily.csv", "hstech_proxy_513130_etf_daily.csv")
CSI300_YAHOO = YahooListing("000300.SS", "CNY", "SHH", "Shanghai", "INDEX", "Asia/Shanghai",
                            time(9, 30), 2)
HK_2513 = YahooListing("2513.HK", "HKD", "HKG", "HKSE", "EQUITY", "Asia/Hong_Kong",
                       time(9, 30), 3)


@dataclass(frozen=True)
class Cut:
    """Source rows between two dates (inclusive) and the row just before them."""

    before: dict[str, str] | None
    rows: list[dict[str, str]]


def cut(rows: list[dict[str, str]], key: str, first: date, last: date) -> Cut:
    """The rows dated ``first``..``last`` and their predecessor."""
    earlier = [row for row in rows if parse_day(row[key]) < first]
    kept = [row for row in rows if first <= parse_day(row[key]) <= last]
    return Cut(earlier[-1] if earlier else None, kept)


def number(text: str) -> float | None:
    """A source cell as a float, ``None`` when blank (a placeholder row)."""
    return float(text) if text.strip() else None


def note(out: Path, name: str, body: bytes, meta: dict[str, str]) -> None:
    """Write a flawed body and its short ``.meta.json``."""
    (out / name).write_bytes(body)
    (out / f"{name}.meta.json").write_bytes(pretty(meta))


def span(rows: list[dict[str, str]], key: str) -> str:
    """``first..last (n rows)`` for a meta note."""
    return f"{rows[0][key]}..{rows[-1][key]} ({len(rows)} rows)"


def flawed_csi300_yahoo(real: Path, out: Path) -> None:
    """Yahoo blank placeholder rows, kept as nulls (stands in for the HSI case, see meta)."""
    part = cut(read_table(real / "indices" / "csi300_daily_yahoo.csv"), "date",
               date(2026, 6, 8), date(2026, 7, 3))
    bars = [Bar(parse_day(r["date"]), number(r["open"]), None, None, number(r["close"]),
                number(r["volume"])) for r in part.rows]
    previous = float(part.before["close"]) if part.before else None
    note(out, "yahoo_chart_000300.SS_blank_rows.json", chart_body(CSI300_YAHOO, bars, previous), {
        "provider": "yahoo", "dataset": "index_chart", "subject": "CSI300",
        "source": "real/indices/csi300_daily_yahoo.csv", "source_rows": span(part.rows, "date"),
        "flaw": "blank placeholder rows (2026-06-15, 06-16, 06-22, 06-29) kept as null "
                "open/close/volume; high/low are null throughout (not in the source). Stands in "
                "for HSI: hsi_daily.csv has no blank rows at all, despite PROVENANCE's warning.",
    })


def flawed_csi300_unit_break(real: Path, out: Path) -> None:
    """The tushare CSI 300 amount switching from yuan to 1,000 yuan on its last two rows."""
    part = cut(read_table(real / "indices" / "csi300_000300_daily_tushare.csv"), "date",
               date(2026, 2, 9), date(2026, 3, 18))
    bars = [KBar(parse_day(r["date"]), float(r["open"]), float(r["close"]), float(r["high"]),
                 float(r["low"]), whole(r["volume"]), r["amount"]) for r in part.rows]
    digits = max(decimals(r[k]) for r in part.rows for k in ("open", "close", "high", "low"))
    previous = float(part.before["close"]) if part.before else None
    lines = kline_lines(kline_rows(bars, previous), digits)
    note(out, "eastmoney_kline_1.000300_amount_unit_break.json",
         kline_body("1.000300", "沪深300", digits, previous, lines), {
             "provider": "eastmoney", "dataset": "index_kline", "subject": "CSI300",
             "source": "real/indices/csi300_000300_daily_tushare.csv",
             "source_rows": span(part.rows, "date"),
             "flaw": "amount is yuan except 2026-03-17/18, which are in 1,000 CNY (1000x too "
                     "small, written as given); those two rows also switch to 4-decimal prices",
         })


def flawed_halt_filler(real: Path, out: Path) -> None:
    """Yahoo's flat zero-volume rows through the Sugon halt, converted to lots but kept."""
    rows = read_table(real / "stocks_cn" / "yahoo_danyoko" / "603019.csv", "Date")
    part = cut(rows, "Date", date(2025, 5, 19), date(2025, 6, 13))
    bars = [KBar(parse_day(r["Date"]), float(r["Open"]), float(r["Close"]), float(r["High"]),
                 float(r["Low"]), str(round(float(r["Volume"]) / 100)), "-") for r in part.rows]
    previous = float(part.before["Close"]) if part.before else None
    lines = kline_lines(kline_rows(bars, previous), 2)
    note(out, "eastmoney_kline_1.603019_halt_filler.json",
         kline_body("1.603019", "中科曙光", 2, previous, lines), {
             "provider": "eastmoney", "dataset": "stock_kline", "subject": "603019.SH",
             "source": "real/stocks_cn/yahoo_danyoko/603019.csv",
             "source_rows": span(part.rows, "Date"),
             "flaw": "trading halt 2025-05-26..2025-06-09 present as 10 rows with volume 0 and "
                     "open=high=low=close (Yahoo filler); volume shares/100 -> lots, prices "
                     "rounded to 0.01",
         })


def flawed_2513(real: Path, out: Path) -> None:
    """Zhipu's half-day placeholder and the unverified +44% close = high bar."""
    part = cut(read_table(real / "stocks_hk" / "2513.HK.csv"), "Date",
               date(2026, 2, 9), date(2026, 2, 27))
    bars = [Bar(parse_day(r["Date"]), float(r["Open"]), float(r["High"]), float(r["Low"]),
                float(r["Close"]), float(r["Volume"])) for r in part.rows]
    previous = float(part.before["Close"]) if part.before else None
    note(out, "yahoo_chart_2513.HK_flat_row_and_spike.json", chart_body(HK_2513, bars, previous), {
        "provider": "yahoo", "dataset": "stock_chart", "subject": "02513.HK",
        "source": "real/stocks_hk/2513.HK.csv", "source_rows": span(part.rows, "Date"),
        "flaw": "2026-02-16 (Lunar New Year's Eve half-day) is open=high=low=close=502.5 with "
                "volume 0; 2026-02-20 closes at its high 725.0, +44% (unverified, possibly a "
                "Yahoo artefact); values as given",
    })


def flawed_usd_cny(real: Path, out: Path) -> None:
    """USD/CNY blank placeholder rows on Christmas and New Year's Day, kept as nulls."""
    part = cut(read_table(real / "fx" / "usd_cny_daily.csv"), "date",
               date(2025, 12, 15), date(2026, 1, 9))
    days = [parse_day(r["date"]) for r in part.rows]
    if any(london_bar_date(day) != day for day in days):
        raise ValueError("USD/CNY flaw slice must lie outside British Summer Time")
    bars = [Bar(day, number(r["open"]), None, None, number(r["close"]), number(r["volume"]))
            for day, r in zip(days, part.rows, strict=True)]
    previous = float(part.before["close"]) if part.before else None
    note(out, "yahoo_chart_CNY=X_blank_rows.json", chart_body(CNY, bars, previous), {
        "provider": "yahoo", "dataset": "fx_chart", "subject": "USDCNY",
        "source": "real/fx/usd_cny_daily.csv", "source_rows": span(part.rows, "date"),
        "flaw": "blank placeholder rows 2025-12-25 and 2026-01-01 kept as null open/close/"
                "volume; high/low null throughout (not in the source)",
    })


def real_slice(source: Path) -> bytes:
    """The header line and the in-window lines of a CSV, byte for byte."""
    lines = source.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines[1:]
            if line.strip() and in_window(parse_day(line[:10].decode("ascii")))]
    return b"".join([lines[0], *kept])


def build_test_data(shared: Path, out: Path) -> list[Path]:
    """Rewrite ``payloads/``, ``flawed/`` and ``real/`` under ``out``; return the files."""
    for name in ("payloads", "flawed", "real"):
        shutil.rmtree(out / name, ignore_errors=True)
    for source in sorted((shared / "payloads").rglob("*")):
        if source.is_file():
            target = out / "payloads" / source.relative_to(shared / "payloads")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    (out / "real").mkdir(parents=True)
    for name in REAL_SLICES:
        (out / "real" / name).write_bytes(real_slice(shared / "real" / "indices" / name))
    flawed = out / "flawed"
    flawed.mkdir(parents=True)
    real = shared / "real"
    for builder in (flawed_csi300_yahoo, flawed_csi300_unit_break, flawed_halt_filler,
                    flawed_2513, flawed_usd_cny):
        builder(real, flawed)
    return sorted(path for path in out.rglob("*") if path.is_file())
