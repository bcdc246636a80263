"""The short table of headline figures ``cntech run`` ends with."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl
from rich.console import Console
from rich.table import Table

from reporting.marts import query, query_text
from warehouse.mart_states import MartState


class RunOutcome(Protocol):
    """What the summary reads of a run's result (``flows.nightly.RunResult``)."""

    run_id: str
    as_of: date
    source: str
    published: Path | None
    gate_warnings: list[dict[str, object]]
    notes: list[str]
    held_back: list[MartState]

REAL = {"recorded": "real", "reconstructed": "real"}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}%"


def origin_phrase(ranges: list[tuple[str, date, date]]) -> str | None:
    """How a series' origin reads by date range; ``None`` when every row is recorded.

    One origin reads as itself with its dates; two read as ``real to 2025-10-30, synthetic
    after`` (reconstructed rows are real numbers in the provider's format).
    """
    if all(origin == "recorded" for origin, _, _ in ranges):
        return None
    if len(ranges) == 1:
        origin, first, last = ranges[0]
        return f"{origin} {first}..{last}"
    labels = [REAL.get(origin, origin) for origin, _, _ in ranges]
    if len(ranges) == 2:
        return f"{labels[0]} to {ranges[0][2]}, {labels[1]} after"
    return ", ".join(f"{label} {first}..{last}"
                     for label, (_, first, last) in zip(labels, ranges, strict=True))


def not_genuine(rows: list[tuple[str, str, list[tuple[str, date, date]]]]
                ) -> dict[tuple[str, str], list[str]]:
    """Series with rows that are not recorded, grouped by endpoint and how they read."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for endpoint, subject, ranges in rows:
        phrase = origin_phrase([tuple(r) for r in ranges])  # type: ignore[misc]
        if phrase is not None:
            grouped.setdefault((endpoint, phrase), []).append(subject)
    return grouped


def print_summary(console: Console, result: RunOutcome) -> None:
    """Headline figures from the just-published marts, and which series are not genuine."""
    if result.published is None:
        return
    idx, baskets, stretched, ipos, margin, origins = _figures(result.published, result.as_of)
    table = Table(title=f"cntech {result.as_of} (run {result.run_id}, source {result.source})")
    for column in ("index", "close", "MTD", "YTD", "1Y", "MTD vs NDX"):
        table.add_column(column, justify="right")
    for code, close, mtd, ytd, one_year, excess, is_proxy in idx:
        table.add_row(f"{code} (proxy)" if is_proxy else code, f"{close:,.2f}", _pct(mtd),
                      _pct(ytd), _pct(one_year), _pct(excess))
    console.print(table)
    proxies = [code for code, *_, is_proxy in idx if is_proxy]
    if proxies:
        console.print(f"(proxy): {', '.join(proxies)} is a stand-in series, not the index "
                      "itself (see ref_indices.note)")
    for basket, cap, change, ratio in baskets:
        change_text = "n/a" if change is None else f"{change / 1e9:+,.0f}bn"
        console.print(f"basket {basket}: ${cap / 1e9:,.0f}bn, 1Y change ${change_text}"
                      + (f", China/US ratio {ratio * 100:.1f}%" if ratio is not None else ""))
    if stretched:
        console.print("stretched valuations: " + "; ".join(
            f"{name} ({symbol}) P/E ttm {pe or float('nan'):.0f}x, forward "
            f"{fwd or float('nan'):.0f}x" for symbol, name, pe, fwd in stretched))
    if ipos and ipos[0]:
        console.print(f"IPO debuts in the last 90 days: {ipos[0]} ({ipos[2]} AI); median "
                      f"first-day return {_pct(ipos[1])} over the {ipos[3]} with first-day "
                      "prices")
    if margin:
        console.print(f"margin financing (market total): ¥{margin[0] / 1e12:,.3f}tn, "
                      f"20-day change {_pct(margin[1])}")
    print_origins(console, not_genuine(origins))
    print_quarantine(console, result.gate_warnings)
    print_held_back(console, result.held_back)
    for note in result.notes:
        console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    console.print(f"published: {result.published}")


def print_origins(console: Console, origins: dict[tuple[str, str], list[str]]) -> None:
    """Series that are not genuine provider responses, by endpoint and date range."""
    if origins:
        console.print("[yellow]Not genuine provider responses (see data_origins in the marts "
                      "file):[/yellow]")
    for (endpoint, phrase), subjects in origins.items():
        console.print(f"[yellow]  {endpoint} ({len(subjects)}) {phrase}: "
                      f"{', '.join(subjects)}[/yellow]")


def _figures(published: Path, as_of: date) -> tuple[Any, ...]:
    """Index rows, basket values, stretched names, recent IPOs, margin and not-genuine origins.

    Read with the report's own queries (``reporting/sql``), so the summary and the report agree.
    """
    with duckdb.connect(str(published), read_only=True) as con:
        latest = query(con, "index_latest", as_of=as_of).sort("ret_mtd", descending=True,
                                                              nulls_last=True)
        idx = latest.select("index_code", "close", "ret_mtd", "ret_ytd", "ret_1y",
                            "excess_mtd_vs_ndx", "is_proxy").rows()
        baskets = (query(con, "basket_value", as_of=as_of).group_by("basket", maintain_order=True)
                   .last().select("basket", "market_cap_usd", "change_1y_usd", "china_us_ratio")
                   .rows())
        stretched = (query(con, "valuation_latest", as_of=as_of).filter(pl.col("is_stretched"))
                     .head(5).select("symbol", "name", "pe_ttm", "pe_forward").rows())
        debuts = query(con, "ipo_debuts", as_of=as_of).filter(
            pl.col("listing_date") > as_of - timedelta(days=90))
        ipos = (debuts.height, debuts["first_day_return"].median(),
                int(debuts["is_ai"].sum()), debuts["first_day_return"].count())
        margin = query(con, "margin_total", as_of=as_of).select(
            "financing_balance_cny", "change_20d_frac").tail(1).rows()
        origins = con.execute(query_text("origin_ranges")).fetchall()
    return idx, baskets, stretched, ipos, margin[0] if margin else None, origins


def print_quarantine(console: Console, warnings: list[dict[str, object]]) -> None:
    """Rules that only warn published their rows: name each and its first offending keys."""
    if not warnings:
        return
    console.print(f"[yellow]Published with {len(warnings)} warning rule(s) broken (the rows "
                  "are listed in ops_last_runs.gate_warnings):[/yellow]", highlight=False)
    for warning in warnings:
        sample = warning.get("sample") or []
        first = sample[0] if isinstance(sample, list) and sample else {}
        keys = " ".join(f"{k}={v}" for k, v in first.items() if k != "source_file")
        console.print(f"[yellow]  {warning['table']}.{warning['rule']}: {warning['rows']} "
                      f"row(s), e.g. {keys}[/yellow]", markup=True, highlight=False)


def print_held_back(console: Console, held_back: list[MartState]) -> None:
    """Marts that kept their last published version, with the date they are as of and why."""
    if not held_back:
        return
    console.print(f"[yellow]Held back ({len(held_back)} mart(s) keep their last published "
                  "version; every other mart advanced):[/yellow]", highlight=False)
    for state in held_back:
        console.print(f"  {state.mart} as of {state.as_of_date}: {state.reason}",
                      style="yellow", markup=False, highlight=False)
