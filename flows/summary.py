"""The short table of headline figures ``cntech run`` ends with."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from flows.nightly import RunResult
from warehouse.mart_states import MartState

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
    """Series with rows that are not recorded, grouped by dataset and how they read."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for dataset, subject, ranges in rows:
        phrase = origin_phrase([tuple(r) for r in ranges])  # type: ignore[misc]
        if phrase is not None:
            grouped.setdefault((dataset, phrase), []).append(subject)
    return grouped


def print_summary(console: Console, result: RunResult) -> None:
    """Headline figures from the just-published marts, and which series are not genuine."""
    if result.published is None:
        return
    idx, baskets, stretched, ipos, margin, origins = _figures(result.published)
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
    """Series that are not genuine provider responses, by dataset and date range."""
    if origins:
        console.print("[yellow]Not genuine provider responses (see data_origins in the marts "
                      "file):[/yellow]")
    for (dataset, phrase), subjects in origins.items():
        console.print(f"[yellow]  {dataset} ({len(subjects)}) {phrase}: "
                      f"{', '.join(subjects)}[/yellow]")


def _figures(published: Path) -> tuple[Any, ...]:
    """Index rows, basket values, stretched names, recent IPOs, margin and not-genuine origins."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        idx = con.execute(
            "SELECT p.index_code, p.close, p.ret_mtd, p.ret_ytd, p.ret_1y, p.excess_mtd_vs_ndx, "
            "i.is_proxy FROM mart_index_performance AS p JOIN ref_indices AS i USING "
            "(index_code) WHERE (p.index_code, p.trade_date) IN "
            "(SELECT (index_code, max(trade_date)) FROM mart_index_performance "
            "GROUP BY index_code) ORDER BY p.ret_mtd DESC"
        ).fetchall()
        baskets = con.execute(
            "SELECT basket, market_cap_usd, change_1y_usd, china_us_ratio "
            "FROM mart_basket_market_value WHERE trade_date = "
            "(SELECT max(trade_date) FROM mart_basket_market_value) ORDER BY basket"
        ).fetchall()
        stretched = con.execute(
            "SELECT symbol, name, pe_ttm, pe_forward FROM mart_valuation "
            "WHERE trade_date = (SELECT max(trade_date) FROM mart_valuation) AND is_stretched "
            "ORDER BY pe_forward DESC NULLS LAST LIMIT 5"
        ).fetchall()
        ipos = con.execute(
            "SELECT count(*), median(first_day_return), count(*) FILTER (WHERE is_ai), "
            "count(first_day_return) "
            "FROM mart_ipo_debuts WHERE listing_date > (SELECT max(as_of_date) - INTERVAL 90 DAY "
            "FROM publish_info)"
        ).fetchall()[0]
        margin = con.execute(
            "SELECT financing_balance_cny, change_20d_frac FROM mart_margin_financing "
            "WHERE exchange = 'TOTAL' ORDER BY trade_date DESC LIMIT 1"
        ).fetchall()[0]
        origins = con.execute(
            "SELECT dataset, subject, list((origin, first_date, last_date) ORDER BY first_date) "
            "FROM data_origins GROUP BY dataset, subject ORDER BY dataset, subject"
        ).fetchall()
    finally:
        con.close()
    return idx, baskets, stretched, ipos, margin, origins


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
