"""The reference seeds are data too: they are checked before a run fetches anything.

Seed values become provider request parameters, filter strings and landing paths, so a symbol
that does not look like its exchange's codes, a duplicate key, an unknown calendar or a currency
that is not its exchange's fails the run with exit 2 before the first request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from errors import CntechError
from warehouse.seeds import CALENDARS, SEEDS_DIR, read_seed

# Symbol and provider-code shapes per exchange: Shanghai A-shares 60xxxx/68xxxx, Shenzhen
# 00xxxx/30xxxx, Hong Kong five digits, US tickers of letters (class shares with a dot or dash).
SYMBOLS = {
    "SSE": re.compile(r"6[0-9]{5}\.SH"),
    "SZSE": re.compile(r"[03][0-9]{5}\.SZ"),
    "HKEX": re.compile(r"[0-9]{5}\.HK"),
    "NASDAQ": re.compile(r"[A-Z][A-Z.-]{0,9}\.US"),
    "NYSE": re.compile(r"[A-Z][A-Z.-]{0,9}\.US"),
}
CURRENCIES = {"SSE": "CNY", "SZSE": "CNY", "HKEX": "HKD", "NASDAQ": "USD", "NYSE": "USD"}
INDEX_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,19}")
# Eastmoney's market prefix for each A-share exchange: the code after it is the symbol's.
EASTMONEY_MARKETS = {"SSE": "1", "SZSE": "0"}


class SeedError(CntechError, ValueError):
    """A reference seed breaks its rules; nothing was fetched."""


def check_seed_rules(provider_codes: Mapping[str, re.Pattern[str]],
                     seeds_dir: Path = SEEDS_DIR) -> None:
    """Raise ``SeedError`` listing every broken seed rule (at most ten lines).

    ``provider_codes`` is the shape of a ``provider_code`` per provider a seed row may name
    (each provider package declares its own).
    """
    problems = [*_securities(read_seed("securities", seeds_dir), provider_codes),
                *_indices(read_seed("indices", seeds_dir), provider_codes),
                *_members(read_seed("securities", seeds_dir), seeds_dir)]
    if problems:
        shown = "\n  ".join(problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise SeedError(f"invalid reference seeds in {seeds_dir}:\n  {shown}{more}")


def _securities(frame: pl.DataFrame, codes: Mapping[str, re.Pattern[str]]) -> list[str]:
    problems = [f"securities: symbol {s!r} is not unique: listed {n} times"
                for s, n in frame["symbol"].value_counts().iter_rows() if n > 1]
    for row in frame.iter_rows(named=True):
        symbol, exchange = row["symbol"] or "", row["exchange"]
        where = f"securities: {symbol!r}"
        pattern = SYMBOLS.get(exchange)
        if pattern is None:
            problems.append(f"{where}: unknown exchange {exchange!r} ({', '.join(SYMBOLS)})")
            continue
        if not pattern.fullmatch(symbol):
            problems.append(f"{where}: does not match the {exchange} symbol pattern "
                            f"{pattern.pattern}")
        if row["currency"] != CURRENCIES[exchange]:
            problems.append(f"{where}: currency {row['currency']!r} is not {exchange}'s "
                            f"{CURRENCIES[exchange]}")
        problems += _provider(where, row, codes)
        market = EASTMONEY_MARKETS.get(exchange)
        if row["provider"] == "eastmoney" and market and (
                row["provider_code"] != f"{market}.{symbol.split('.')[0]}"):
            problems.append(f"{where}: provider_code {row['provider_code']!r} is not Eastmoney's "
                            f"{market}.{symbol.split('.')[0]}")
    return problems


def _indices(frame: pl.DataFrame, codes: Mapping[str, re.Pattern[str]]) -> list[str]:
    problems = [f"indices: index_code {c!r} is not unique: listed {n} times"
                for c, n in frame["index_code"].value_counts().iter_rows() if n > 1]
    for row in frame.iter_rows(named=True):
        code = row["index_code"] or ""
        where = f"indices: {code!r}"
        if not INDEX_CODE.fullmatch(code):
            problems.append(f"{where}: not an index code (expected {INDEX_CODE.pattern})")
        problems += _provider(where, row, codes)
    return problems


def _provider(where: str, row: Mapping[str, Any],
              codes: Mapping[str, re.Pattern[str]]) -> list[str]:
    calendar, provider, code = row["calendar"], row["provider"], row["provider_code"]
    problems = []
    if calendar not in CALENDARS:
        problems.append(f"{where}: unknown calendar {calendar!r} ({', '.join(CALENDARS)})")
    pattern = codes.get(provider or "")
    if pattern is None:
        problems.append(f"{where}: unknown provider {provider!r} ({', '.join(codes)})")
    elif not pattern.fullmatch(code or ""):
        problems.append(f"{where}: provider_code {code!r} does not match the {provider} pattern "
                        f"{pattern.pattern}")
    return problems


def _members(securities: pl.DataFrame, seeds_dir: Path) -> list[str]:
    known = set(securities["symbol"].to_list())
    problems = []
    for seed in ("baskets", "suspensions"):
        for symbol in read_seed(seed, seeds_dir)["symbol"].unique().sort().to_list():
            if symbol not in known:
                problems.append(f"{seed}: {symbol!r} is not a seeded security")
    any_symbol = re.compile("|".join(f"({p.pattern})" for p in SYMBOLS.values()))
    problems += [f"ipo_ai: {symbol!r} is not a symbol of any covered exchange"
                 for symbol in read_seed("ipo_ai", seeds_dir)["symbol"].to_list()
                 if not any_symbol.fullmatch(symbol or "")]
    suspensions = read_seed("suspensions", seeds_dir)
    for row in suspensions.filter(pl.col("start_date") > pl.col("end_date")).iter_rows(
            named=True):
        problems.append(f"suspensions: {row['symbol']!r} ends before it starts")
    return problems
