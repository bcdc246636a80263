"""A seeded full-market universe: who is listed where, when they IPO, halt and split.

The board mix follows the markets the warehouse is meant to cover (STAR, ChiNext and the
Shanghai/Shenzhen main boards, Hong Kong) plus a handful of US names for the ``us_ai`` basket.
Every event is dated on a session of the security's own calendar.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from warehouse.seeds import SEED_SCHEMAS, SEEDS_DIR

# Share of the universe per board; US names are a fixed handful, whatever the size.
BOARD_MIX = (("STAR", 0.12), ("CHINEXT", 0.22), ("MAIN", 0.37), ("HK", 0.29))
US_NAMES = 10
# The STAR Market opened on 2019-07-22: no STAR bar exists before it.
STAR_OPENED = date(2019, 7, 22)
IPO_SHARE = 0.3
SUSPENDED_SHARE = 0.03
SPLIT_SHARE = 0.04
# Share of A-shares analysts publish a consensus EPS for.
COVERED_SHARE = 0.25
# Events stay clear of the window's edges so every series has a bar on the days after it.
QUIET_SESSIONS_AT_END = 15
REFERENCE_SEEDS = ("indices", "boards", "events")


@dataclass(frozen=True)
class Security:
    """One generated security and the events its price path must show."""

    symbol: str
    name: str
    name_local: str
    exchange: str
    calendar: str
    board: str
    currency: str
    is_ai: bool
    shares: float
    provider: str
    provider_code: str
    listing: int
    suspension: tuple[int, int] | None
    split: tuple[int, float] | None
    start_price: float
    sigma: float
    covered: bool

    @property
    def a_share(self) -> bool:
        """Shanghai/Shenzhen listing (Eastmoney kline with volume in lots, valuation feed)."""
        return self.board in ("STAR", "CHINEXT", "MAIN")


def board_counts(securities: int) -> dict[str, int]:
    """How many securities each board gets (US fixed, the rest split by BOARD_MIX)."""
    us = min(US_NAMES, max(2, securities // 10))
    rest = securities - us
    counts = {board: int(rest * share) for board, share in BOARD_MIX}
    counts["MAIN"] += rest - sum(counts.values())
    counts["US"] = us
    return counts


def _codes(board: str, count: int) -> list[tuple[str, str, str]]:
    """(symbol, exchange, provider code) for ``count`` securities of a board."""
    if board == "STAR":
        return [(f"{688000 + i:06d}.SH", "SSE", f"1.{688000 + i:06d}") for i in range(count)]
    if board == "CHINEXT":
        return [(f"{300000 + i:06d}.SZ", "SZSE", f"0.{300000 + i:06d}") for i in range(count)]
    if board == "MAIN":
        half = count // 2
        sh = [(f"{600000 + i:06d}.SH", "SSE", f"1.{600000 + i:06d}") for i in range(half)]
        sz = [(f"{1 + i:06d}.SZ", "SZSE", f"0.{1 + i:06d}") for i in range(count - half)]
        return sh + sz
    if board == "HK":
        return [(f"{1000 + i:05d}.HK", "HKEX", f"{1000 + i:04d}.HK") for i in range(count)]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    tickers = [f"Q{letters[i // 26 % 26]}{letters[i % 26]}" for i in range(count)]
    return [(f"{t}.US", "NASDAQ", t) for t in tickers]


CALENDAR = {"STAR": "XSHG", "CHINEXT": "XSHG", "MAIN": "XSHG", "HK": "XHKG", "US": "XNYS"}
CURRENCY = {"STAR": "CNY", "CHINEXT": "CNY", "MAIN": "CNY", "HK": "HKD", "US": "USD"}
PROVIDER = {"STAR": "eastmoney", "CHINEXT": "eastmoney", "MAIN": "eastmoney", "HK": "yahoo",
            "US": "yahoo"}
LOCAL_NAME = "华芯智云创达科电联信通光微算数"


def build_universe(
    securities: int, sessions: dict[str, list[date]], history_end: date, seed: int
) -> list[Security]:
    """Draw every security's listing, halt, split and price dynamics from ``seed``.

    ``sessions`` holds each calendar's sessions from the window start to the last generated day.
    Indices into those lists date the events. The first security of each CN and HK board lists
    in the final two months of history and the second Hong Kong one in the year before, so the
    IPO feeds of the days after the window are never empty and both yearly HKEX reports a run
    asks for have a listing.
    """
    rng = np.random.default_rng(seed)
    out: list[Security] = []
    # A long-listed main-board name is always covered, so every day's consensus feed has rows,
    # and a long-listed Hong Kong name always splits.
    anchor, splitter = ("MAIN", 1), ("HK", 2)
    for board, count in board_counts(securities).items():
        days = sessions[CALENDAR[board]]
        last_hist = max(i for i, d in enumerate(days) if d <= history_end)
        earliest = next(i for i, d in enumerate(days) if board != "STAR" or d >= STAR_OPENED)
        late_ipo = max(earliest, last_hist - 40)
        prior_year = [i for i, d in enumerate(days) if d.year == history_end.year - 1]
        for n, (symbol, exchange, code) in enumerate(_codes(board, count)):
            ipo = board != "US" and (rng.random() < IPO_SHARE or earliest > 0 or n == 0)
            if (board, n) in (anchor, splitter):
                ipo = False
            if n == 0 and board != "US":
                listing = int(rng.integers(late_ipo, last_hist - QUIET_SESSIONS_AT_END))
            elif (board, n) == ("HK", 1) and prior_year:
                listing = int(rng.choice(prior_year[1:] or prior_year))
            elif ipo:
                listing = int(rng.integers(earliest, max(earliest + 1, late_ipo)))
            else:
                listing = 0
            suspension, split = _events(rng, board, listing, last_hist - QUIET_SESSIONS_AT_END,
                                        always_splits=(board, n) == splitter)
            name_local = "".join(rng.choice(list(LOCAL_NAME), 4))
            out.append(Security(
                symbol=symbol, name=f"Synthetic {board} {symbol.split('.')[0]}",
                name_local=name_local if board != "US" else "", exchange=exchange,
                calendar=CALENDAR[board], board=board, currency=CURRENCY[board],
                is_ai=bool(rng.random() < 0.05), shares=float(rng.integers(2, 200)) * 1e8,
                provider=PROVIDER[board], provider_code=code, listing=listing,
                suspension=suspension, split=split,
                start_price=float(np.exp(rng.uniform(np.log(4), np.log(120)))),
                sigma=float(rng.uniform(0.012, 0.035)),
                covered=board in ("STAR", "CHINEXT", "MAIN") and (
                    rng.random() < COVERED_SHARE or (board, n) == anchor),
            ))
    return out


def _events(rng: np.random.Generator, board: str, listing: int, span_end: int,
            always_splits: bool) -> tuple[tuple[int, int] | None, tuple[int, float] | None]:
    """A security's halt (first and last session index) and split (session, ratio), if any."""
    suspension = None
    if board != "US" and rng.random() < SUSPENDED_SHARE and span_end - listing > 80:
        first = int(rng.integers(listing + 10, span_end - 50))
        suspension = (first, first + int(rng.integers(3, 40)))
    split = None
    if (board == "HK" and (rng.random() < SPLIT_SHARE or always_splits)
            and span_end - listing > 30):
        split = (int(rng.integers(listing + 10, span_end)),
                 float(rng.choice([2.0, 5.0, 10.0, 0.1])))
    return suspension, split


def write_seeds(
    universe: list[Security], sessions: dict[str, list[date]], out: Path
) -> Path:
    """Seed CSVs for the universe; indices, boards and events are the project's own."""
    out.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_SEEDS:
        shutil.copyfile(SEEDS_DIR / f"{name}.csv", out / f"{name}.csv")
    rows = [{
        "symbol": s.symbol, "name": s.name, "name_local": s.name_local, "exchange": s.exchange,
        "calendar": s.calendar, "board": s.board, "currency": s.currency, "is_ai": s.is_ai,
        "shares_outstanding": s.shares, "provider": s.provider,
        "provider_code": s.provider_code, "data_origin": "synthetic",
    } for s in universe]
    pl.DataFrame(rows, schema=SEED_SCHEMAS["securities"]).write_csv(out / "securities.csv")
    china = [s.symbol for s in universe if s.board != "US"][:33]
    us = [s.symbol for s in universe if s.board == "US"]
    pl.DataFrame({"basket": ["china_ai"] * len(china) + ["us_ai"] * len(us),
                  "symbol": china + us}).write_csv(out / "baskets.csv")
    halts = []
    for s in universe:
        if s.suspension is not None:
            days = sessions[s.calendar]
            halts.append({"symbol": s.symbol, "start_date": days[s.suspension[0]],
                          "end_date": days[s.suspension[1]], "reason": "generated trading halt"})
    pl.DataFrame(halts, schema=SEED_SCHEMAS["suspensions"]).write_csv(out / "suspensions.csv")
    ai = [{"symbol": s.symbol, "reason": "generated AI listing"}
          for s in universe if s.is_ai and s.listing > 0]
    pl.DataFrame(ai, schema=SEED_SCHEMAS["ipo_ai"]).write_csv(out / "ipo_ai.csv")
    return out


def window_start(end: date, years: int) -> date:
    """The first day of a ``years``-long window ending on ``end``."""
    return end.replace(year=end.year - years) + timedelta(days=1)
