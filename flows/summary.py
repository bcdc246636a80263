"""The short table of headline figures ``cntech run`` ends with."""

from __future__ import annotations

import duckdb
from rich.console import Console
from rich.table import Table

from flows.nightly import RunResult


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:+.1f}%"


def print_summary(console: Console, result: RunResult) -> None:
    """Headline figures from the just-published marts, and which series are not genuine."""
    if result.published is None:
        return
    con = duckdb.connect(str(result.published), read_only=True)
    try:
        idx = con.execute(
            "SELECT index_code, close, ret_mtd, ret_ytd, ret_1y, excess_mtd_vs_ndx "
            "FROM mart_index_performance WHERE (index_code, as_of_date) IN "
            "(SELECT (index_code, max(as_of_date)) FROM mart_index_performance "
            "GROUP BY index_code) ORDER BY ret_mtd DESC"
        ).fetchall()
        baskets = con.execute(
            "SELECT basket, market_cap_usd, change_1y_usd, china_us_ratio "
            "FROM mart_basket_market_value WHERE as_of_date = "
            "(SELECT max(as_of_date) FROM mart_basket_market_value) ORDER BY basket"
        ).fetchall()
        stretched = con.execute(
            "SELECT symbol, name, pe_ttm, pe_forward FROM mart_valuation "
            "WHERE as_of_date = (SELECT max(as_of_date) FROM mart_valuation) AND is_stretched "
            "ORDER BY pe_forward DESC NULLS LAST LIMIT 5"
        ).fetchall()
        ipos = con.execute(
            "SELECT count(*), median(first_day_return), count(*) FILTER (WHERE is_ai), "
            "count(first_day_return) "
            "FROM mart_ipo_debuts WHERE listing_date > (SELECT max(as_of_date) - INTERVAL 90 DAY "
            "FROM publish_info)"
        ).fetchall()[0]
        margin = con.execute(
            "SELECT financing_balance_cny, change_20d_pct FROM mart_margin_financing "
            "WHERE exchange = 'TOTAL' ORDER BY trade_date DESC LIMIT 1"
        ).fetchall()[0]
        origins = con.execute(
            "SELECT origin, dataset, string_agg(DISTINCT subject, ', ' ORDER BY subject), "
            "count(*) "
            "FROM data_origins WHERE origin <> 'recorded' GROUP BY origin, dataset "
            "ORDER BY origin, dataset"
        ).fetchall()
    finally:
        con.close()

    table = Table(title=f"cntech {result.as_of} (run {result.run_id}, source {result.source})")
    for column in ("index", "close", "MTD", "YTD", "1Y", "MTD vs NDX"):
        table.add_column(column, justify="right")
    for code, close, mtd, ytd, one_year, excess in idx:
        table.add_row(code, f"{close:,.2f}", _pct(mtd), _pct(ytd), _pct(one_year), _pct(excess))
    console.print(table)
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
    if origins:
        console.print("[yellow]Not genuine provider responses (see data_origins in the marts "
                      "file):[/yellow]")
    for origin, dataset, subjects, count in origins:
        console.print(f"[yellow]  {origin} {dataset} ({count}): {subjects}[/yellow]")
    for note in result.notes:
        console.print(f"note: {note}", style="yellow", markup=False, highlight=False)
    console.print(f"published: {result.published}")
