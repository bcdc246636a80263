"""What each section of the report shows, built from the mart frames of one report date."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import duckdb
import polars as pl

from reporting import charts
from reporting.headline import headline_cards
from reporting.marts import query
from reporting.page import chart_html
from reporting.tables import sql_sources

# Frames read for the report date ($as_of) and those that describe the published file as a whole.
DATED_FRAMES = ("index_levels", "index_latest", "event_returns_latest", "basket_value",
                "valuation_latest", "ipo_debuts", "ipo_monthly", "margin_total", "events")
UNDATED_FRAMES = ("publish_info", "data_origins", "proxies", "security_names")
CHART_SQL = {
    "chart-index": ("index_levels",), "chart-baskets": ("basket_value",),
    "chart-valuation": ("valuation_latest",), "chart-ipo-first-day": ("ipo_debuts",),
    "chart-ipo-monthly": ("ipo_monthly",), "chart-margin": ("margin_total", "events"),
}


def read_frames(con: duckdb.DuckDBPyConnection, as_of: date) -> dict[str, pl.DataFrame]:
    """Every frame the report needs, the dated ones cut at ``as_of``."""
    frames = {name: query(con, name, as_of=as_of) for name in DATED_FRAMES}
    frames.update({name: query(con, name) for name in UNDATED_FRAMES})
    return frames


def context(frames: dict[str, pl.DataFrame], as_of: date) -> dict[str, Any]:
    """Everything the page shows that comes from the mart frames, charts included."""
    margin = frames["margin_total"]
    names = {s: local for s, _, local in frames["security_names"].iter_rows() if local}
    return {
        "as_of": as_of,
        "cards": headline_cards(frames, names, as_of),
        "origins": _origins(frames["data_origins"]),
        "proxies": frames["proxies"].to_dicts(),
        "indices": _indices(frames["index_latest"]),
        "events": _events(frames["event_returns_latest"]),
        "baskets": _latest_baskets(frames["basket_value"]),
        "ratio": _latest_ratio(frames["basket_value"]),
        "valuation": _valuation(frames["valuation_latest"]),
        "ipos": _ipos(frames["ipo_debuts"]),
        "margin": margin.row(-1, named=True) if margin.height else None,
        "charts": {chart_id: chart_html(fig, chart_id)
                   for chart_id, fig in _charts(frames, as_of).items()},
        "chart_sql": {chart_id: sql_sources(names_, as_of)
                      for chart_id, names_ in CHART_SQL.items()},
        "chart_rows": {name: frames[name] for name in ("margin_total", "ipo_monthly")},
    }


def _charts(frames: dict[str, pl.DataFrame], as_of: date) -> dict[str, Any]:
    return {
        "chart-index": charts.index_chart(frames["index_levels"], as_of),
        "chart-baskets": charts.basket_chart(frames["basket_value"], as_of),
        "chart-valuation": charts.valuation_chart(frames["valuation_latest"]),
        "chart-ipo-first-day": charts.ipo_first_day_chart(frames["ipo_debuts"]),
        "chart-ipo-monthly": charts.ipo_monthly_chart(frames["ipo_monthly"]),
        "chart-margin": charts.margin_chart(frames["margin_total"], frames["events"]),
    }


def _origins(origins: pl.DataFrame) -> dict[str, Any]:
    """Provenance: which series are reconstructed or synthetic, and every file's origin."""
    not_recorded = (
        origins.filter(pl.col("origin") != "recorded")
        .group_by("origin", "endpoint", maintain_order=True)
        .agg(pl.len().alias("count"),
             pl.col("subject").unique().sort().str.join(", ").alias("subjects"))
        # Synthetic series matter most to a reader, so they come first.
        .sort("origin", "endpoint", descending=[True, False])
    )
    counts = dict(Counter(origins["origin"].to_list()))
    return {"show_banner": not_recorded.height > 0, "not_recorded": not_recorded.to_dicts(),
            "counts": counts, "rows": origins.to_dicts(),
            "not_genuine": origins.height - counts.get("recorded", 0),
            "subjects": not_recorded["subjects"].str.split(", ").explode().n_unique()
            if not_recorded.height else 0}


def _indices(latest: pl.DataFrame) -> list[dict[str, Any]]:
    rows = {row["index_code"]: row for row in latest.to_dicts()}
    for row in rows.values():
        row["headline"] = row["index_code"] in charts.HEADLINE_INDICES
    return [rows[code] for code in charts.display_order(rows)]


def _events(returns: pl.DataFrame) -> dict[str, Any]:
    """Return since each event as an index × event matrix."""
    events = returns.select("event_id", "event_name", "event_date").unique(
        maintain_order=True).sort("event_date")
    lookup = {(r["index_code"], r["event_id"]): r["ret_since_event"]
              for r in returns.iter_rows(named=True)}
    codes = sorted(returns["index_code"].unique().to_list())
    return {
        "columns": [{"name": n, "date": d} for _, n, d in events.iter_rows()],
        "rows": [{"index_code": code, "values": [lookup.get((code, e)) for e in
                                                 events["event_id"]]} for code in codes],
        "rows_flat": returns.to_dicts(),
    }


def _latest_baskets(baskets: pl.DataFrame) -> list[dict[str, Any]]:
    return (baskets.sort("trade_date").group_by("basket", maintain_order=True).last()
            .sort("basket").to_dicts())


def _latest_ratio(baskets: pl.DataFrame) -> float | None:
    ratios = baskets.filter(pl.col("china_us_ratio").is_not_null()).sort("trade_date")
    return float(ratios["china_us_ratio"][-1]) if ratios.height else None


def _valuation(latest: pl.DataFrame) -> dict[str, Any]:
    unranked = latest.filter(pl.col("pe_forward").is_null())
    return {
        "rows": latest.to_dicts(),
        "history_days": int(latest.select(pl.col("history_days").max()).item() or 0),
        "unranked": ", ".join(f"{n} ({s})" for n, s in unranked.select("name", "symbol")
                              .iter_rows()),
    }


def _ipos(debuts: pl.DataFrame) -> dict[str, Any]:
    known = debuts["first_day_return"].drop_nulls()
    return {
        "rows": debuts.to_dicts(), "count": debuts.height,
        "ai": int(debuts["is_ai"].sum() or 0),
        "with_first_day": known.len(),
        "median_first_day": known.median() if known.len() else None,
        "first": debuts["listing_date"].min(), "last": debuts["listing_date"].max(),
        "since_listing_known": debuts["return_since_listing"].drop_nulls().len(),
    }
