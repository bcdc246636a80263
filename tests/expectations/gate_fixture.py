"""A small, real-shaped warehouse for the quality gate: the repo's own DDL, seeds and sessions.

Staging covers January 2026 (as of Friday 2026-01-30) for a few seeded instruments across the
three calendars; prices wiggle by about a percent a day, so every rule holds until a test breaks
one on purpose.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cache

import duckdb
import exchange_calendars as xcals
import pandas as pd

from tests.conftest import REPO

AS_OF = date(2026, 1, 30)
WINDOW = (date(2026, 1, 5), AS_OF)
SESSION_SPAN = ("2025-11-03", "2026-02-27")

# (code, calendar, first close) for the staged indices; HSI comes from Yahoo without high/low.
INDICES = [("STAR50", "XSHG", 1580.06), ("HSI", "XHKG", 26850.0), ("NDX", "XNYS", 25600.0)]
# (symbol, calendar, currency, first close, shares) for the staged securities.
SECURITIES = [
    ("688256.SH", "XSHG", "CNY", 1350.0, 416594451.0),
    ("603019.SH", "XSHG", "CNY", 88.5, 1463578974.0),
    ("00700.HK", "XHKG", "HKD", 620.0, 9170000000.0),
    ("NVDA.US", "XNYS", "USD", 187.0, 24300000000.0),
]
SEEDS = ["securities", "indices", "boards", "suspensions", "baskets"]


@cache
def sessions(calendar: str) -> tuple[date, ...]:
    """Every session of the calendar over the test span."""
    schedule = xcals.get_calendar(calendar, start=SESSION_SPAN[0], end=SESSION_SPAN[1])
    return tuple(session.date() for session in schedule.sessions)


def window(calendar: str) -> list[date]:
    """The calendar's sessions inside the staged window."""
    return [day for day in sessions(calendar) if WINDOW[0] <= day <= WINDOW[1]]


def weekdays() -> list[date]:
    """Weekdays inside the staged window (FX fixes on every weekday)."""
    return [day.date() for day in pd.bdate_range(*WINDOW)]


def wiggle(base: float, step: int) -> float:
    """A deterministic price path moving about a percent a day."""
    return round(base * (1 + 0.01 * math.sin(step)), 4)


def bars(key: dict, calendar: str, base: float, source: str, *, hl: bool = True) -> list[dict]:
    """Daily OHLCV rows of one instrument (`key`: its key column) over its calendar's window."""
    rows = []
    for step, day in enumerate(window(calendar)):
        close = wiggle(base, step)
        open_ = wiggle(base, step - 1)
        rows.append(
            {
                **key,
                "trade_date": day,
                "open": open_,
                "high": round(max(open_, close) * 1.004, 4) if hl else None,
                "low": round(min(open_, close) * 0.996, 4) if hl else None,
                "close": close,
                "volume": 1.0e7 + step * 1.0e5,
                "amount": close * (1.0e7 + step * 1.0e5),
                "source_file": source,
            }
        )
    return rows


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append rows to a table by column name."""
    frame = pd.DataFrame(rows)
    con.register("rows_frame", frame)
    columns = ", ".join(frame.columns)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM rows_frame")
    con.unregister("rows_frame")


def build_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table from the repo's DDL (core stays empty); fill ref and staging cleanly."""
    con.execute((REPO / "warehouse/ddl/schemas.sql").read_text())
    for path in sorted((REPO / "warehouse/ddl").glob("*.sql")):
        con.execute(path.read_text())
    for path in sorted((REPO / "warehouse/staging").glob("*.sql")):
        con.execute(path.read_text())
    for seed in SEEDS:
        con.execute(
            f"INSERT INTO ref.{seed} SELECT * FROM read_csv($path, all_varchar = true)",
            {"path": str(REPO / f"warehouse/seeds/{seed}.csv")},
        )
    for calendar in ("XSHG", "XHKG", "XNYS"):
        insert(
            con,
            "ref.sessions",
            [{"calendar": calendar, "session_date": d} for d in sessions(calendar)],
        )

    for code, calendar, base in INDICES:
        source = (
            f"eastmoney/kline/{code}.json" if calendar == "XSHG" else f"yahoo/chart/{code}.json"
        )
        rows = bars({"index_code": code}, calendar, base, source, hl=code != "HSI")
        insert(con, "staging.index_bars", rows)
    for symbol, calendar, currency, base, shares in SECURITIES:
        rows = bars({"symbol": symbol}, calendar, base, f"eastmoney/kline/{symbol}.json")
        insert(con, "staging.security_bars", [{**r, "currency": currency} for r in rows])
        if calendar == "XSHG":
            insert(
                con,
                "staging.valuation",
                [
                    {
                        "symbol": symbol,
                        "trade_date": r["trade_date"],
                        "close": r["close"],
                        "pe_ttm": 85.0,
                        "market_cap": r["close"] * shares,
                        "total_shares": shares,
                        "source_file": f"eastmoney/datacenter/RPT_VALUEANALYSIS_DET/{symbol}.json",
                    }
                    for r in rows
                ],
            )
    fx = []
    for step, day in enumerate(weekdays()):
        fx.append({"pair": "USDCNY", "trade_date": day, "rate": wiggle(6.98, step)})
        fx.append(
            {"pair": "USDHKD", "trade_date": day, "rate": round(7.79 + 0.001 * math.sin(step), 4)}
        )
    insert(con, "staging.fx_rates", [{**r, "source_file": "fx/usd.json"} for r in fx])

    margin = []
    for step, day in enumerate(window("XSHG")):
        sse, szse = 1.32e12 * (1 + 0.002 * step), 1.28e12 * (1 + 0.002 * step)
        for exchange, balance in (("SSE", sse), ("SZSE", szse), ("TOTAL", sse + szse + 8.0e9)):
            margin.append(
                {
                    "exchange": exchange,
                    "trade_date": day,
                    "financing_balance": balance,
                    "lending_balance": balance / 200,
                    "financing_buy": balance / 12,
                    "source_file": "eastmoney/datacenter/margin.json",
                }
            )
    insert(con, "staging.margin", margin)
    insert(con, "staging.crosscheck", crosscheck_rows(con))

    insert(
        con,
        "staging.eps_forecast",
        [
            {
                "symbol": s,
                "report_date": date(2026, 1, 20),
                "fiscal_year": y,
                "eps": e,
                "source_file": "eastmoney/datacenter/RPT_WEB_RESPREDICT/page1.json",
            }
            for s, y, e in [
                ("688256.SH", 2025, 4.31),
                ("688256.SH", 2026, 7.95),
                ("603019.SH", 2025, 1.62),
            ]
        ],
    )
    insert(
        con,
        "staging.ipo_listings",
        [
            {
                "symbol": "688795.SH",
                "name": "Moore Threads",
                "exchange": "SSE",
                "board": "STAR",
                "listing_date": date(2025, 12, 5),
                "prospectus_date": date(2025, 11, 24),
                "offer_price": 114.28,
                "first_day_open": 650.0,
                "first_day_close": 600.5,
                "funds_raised": 8.0e9,
                "currency": "CNY",
                "source_file": "eastmoney/datacenter/RPTA_APP_IPOAPPLY/2025.json",
            },
            {
                "symbol": "02513.HK",
                "name": "Knowledge Atlas",
                "exchange": "HKEX",
                "board": "MAIN",
                "listing_date": date(2026, 1, 8),
                "prospectus_date": date(2025, 12, 30),
                "offer_price": 116.2,
                "first_day_open": 120.0,
                "first_day_close": 131.5,
                "funds_raised": 4.3e9,
                "currency": "HKD",
                "source_file": "hkex/nlr/NLR2026_Eng.xlsx",
            },
        ],
    )


def crosscheck_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """A second source for SSE/SZSE margin, HSI/NDX closes and both FX pairs, a hair off the
    staged primary figures (well inside every cross-check tolerance)."""
    rows = con.execute(
        """
        SELECT 'margin' AS dataset, exchange AS series, trade_date, 'eastmoney' AS provider,
            financing_balance * 1.0001 AS value, 'eastmoney/datacenter/RPTA_RZRQ_LSDB.json'
        FROM staging.margin WHERE exchange IN ('SSE', 'SZSE')
        UNION ALL
        SELECT 'index_bars', index_code, trade_date, 'yahoo', close * 0.9999,
            'yahoo/chart/' || index_code || '.json'
        FROM staging.index_bars WHERE index_code IN ('HSI', 'NDX')
        UNION ALL
        SELECT 'fx_rates', pair, trade_date, 'eastmoney', rate * 1.0002,
            'eastmoney/kline/' || pair || '.json'
        FROM staging.fx_rates
        """
    ).fetchall()
    columns = ("dataset", "series", "trade_date", "provider", "value", "source_file")
    return [dict(zip(columns, row, strict=True)) for row in rows]
