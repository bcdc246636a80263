"""What to fetch: every provider request of a run, derived from the reference seeds.

A request's landing path is a function of the request alone, so a live run and a snapshot replay
find the same body at the same relative path. A live run narrows each request to the tail of its
series (incremental windows) but never drops one, so every run lands the same set of paths and any
landing directory replays through the same catalog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from flows.sources import registry
from flows.sources.request import RequestSpec, SeriesKey, Windows
from registry import STAGING_TABLES, by_name
from warehouse.seed_rules import check_seed_rules
from warehouse.seeds import SEEDS_DIR, read_seed

# IPO reports cover a market, not one exchange: the last listing of either exchange counts.
IPO_MARKETS = {"SSE": "CN", "SZSE": "CN", "HKEX": "HK"}


def replayable(specs: Iterable[RequestSpec], root: Path) -> list[RequestSpec]:
    """``specs`` a landing zone can answer: per-day requests only for the days it landed.

    An incremental run lands the tail days of a per-day series, not its history; the gate's
    session rule, not a missing-body error, is what catches a day missing inside a series.
    """
    return [spec for spec in specs if not spec.per_day or (root / spec.path).is_file()]


def last_stored_dates(con: duckdb.DuckDBPyConnection) -> dict[SeriesKey, date]:
    """The last date each series reached in the core tables (empty for a new warehouse)."""
    stored: dict[SeriesKey, date] = {}
    for table in STAGING_TABLES:
        dataset = by_name(table)
        if dataset.series is None:
            continue
        series = duckdb.ColumnExpression(dataset.series)
        last_date = duckdb.FunctionExpression("max", duckdb.ColumnExpression(dataset.date))
        rows = con.table(f"core.{table}").aggregate([series, last_date], series).fetchall()
        for name, last in rows:
            if table == "ipo_listings":
                name = IPO_MARKETS.get(name, name)
                last = max(last, stored.get((table, name), last))
            stored[(table, name)] = last
    return stored


def check_seeds(seeds_dir: Path = SEEDS_DIR) -> None:
    """Raise ``SeedError`` for every broken seed rule, provider codes checked against the shape
    their provider package declares."""
    check_seed_rules(registry.code_patterns(), seeds_dir)


def build_catalog(
    start: date,
    end: date,
    last_stored: Mapping[SeriesKey, date] | None = None,
    overlap_days: int = 0,
    seeds_dir: Path = SEEDS_DIR,
) -> list[RequestSpec]:
    """All requests for the window [start, end], in a stable order.

    With ``last_stored`` (from :func:`last_stored_dates`) each request starts ``overlap_days``
    before the last date its series reached instead of at ``start``.
    """
    # Seed values become request parameters, filter strings and landing paths.
    check_seeds(seeds_dir)
    windows = Windows(start, end, last_stored or {}, overlap_days)
    securities = read_seed("securities", seeds_dir)
    specs = _bar_specs(windows, read_seed("indices", seeds_dir), securities)
    for provider in registry.providers():
        specs.extend(provider.requests(windows, securities))
    return specs


def _bar_specs(windows: Windows, indices: pl.DataFrame,
               securities: pl.DataFrame) -> list[RequestSpec]:
    """Daily bars of every seeded index and security from the provider its seed row names,
    then of the series a provider serves without a seed; each with its second sources."""
    specs: list[RequestSpec] = []
    for table, rows, key in (("index_bars", indices, "index_code"),
                             ("security_bars", securities, "symbol")):
        for row in rows.iter_rows(named=True):
            since = windows.since([(table, row[key])])
            specs.append(registry.provider(row["provider"]).bar_request(
                table, row[key], row["provider_code"], since, windows.end))
            specs.extend(_checks(table, row[key], since, windows.end))
    for primary in registry.providers():
        for table, codes in primary.series.items():
            for series, code in codes.items():
                since = windows.since([(table, series)])
                specs.append(primary.bar_request(table, series, code, since, windows.end))
                specs.extend(_checks(table, series, since, windows.end))
    return specs


def _checks(table: str, series: str, start: date, end: date) -> list[RequestSpec]:
    """The requests of every provider that is a second source of ``series``."""
    return [checker.bar_request(table, series, checker.checks[table][series], start, end,
                                check=True)
            for checker in registry.providers() if series in checker.checks.get(table, {})]
