"""``cntech report``: one self-contained HTML page from the published marts.

Styles, plotly.js and the chart data are inlined, so the file opens offline and can be mailed or
archived as it is. Everything is read from the published ``marts.duckdb`` (read-only) and the
gate's results; nothing is recomputed that the marts already state.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from flows.docs import GATE_DOCS_DIR, data_dictionary
from flows.progress import progress_bar
from flows.reporting import charts
from flows.reporting.gate_docs import validation_pages
from flows.reporting.marts import gate_counts, gate_results, open_marts, query
from flows.reporting.page import chart_html, render
from flows.status import (
    DEFAULT_GRACE_SESSIONS,
    CalendarOutOfRange,
    Freshness,
    evaluate_freshness,
    reference_instant,
)

REPORT_NAME = "report.html"
CHART_IDS = ("chart-index", "chart-baskets", "chart-valuation", "chart-ipo-first-day",
             "chart-ipo-monthly", "chart-margin")
FRAMES = ("publish_info", "index_levels", "index_latest", "event_returns_latest",
          "basket_value", "valuation_latest", "ipo_debuts", "ipo_monthly", "margin_total",
          "events", "data_origins", "proxies")
RECENT_RUNS = 10


@dataclass
class ReportResult:
    """Where the report went and what it took."""

    path: Path
    bytes: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)


def build_report(
    data_dir: Path, out: Path | None = None, *, now: datetime | None = None,
    grace: int = DEFAULT_GRACE_SESSIONS,
) -> ReportResult:
    """Write the report for the marts published in ``data_dir``; returns where and how big.

    ``out`` defaults to ``<data-dir>/report.html``; freshness is judged at ``now`` (default: the
    current time) with ``grace`` sessions allowed.
    """
    started = time.perf_counter()
    out = (out or data_dir / REPORT_NAME).expanduser().resolve()
    generated_at = now or datetime.now(UTC)
    steps: dict[str, float] = {}
    clock = started

    def lap(step: str) -> None:
        nonlocal clock
        steps[step], clock = time.perf_counter() - clock, time.perf_counter()

    with progress_bar("report", total=3) as advance:
        with open_marts(data_dir) as con:
            frames = {name: query(con, name) for name in FRAMES}
            extras = {
                "runs": query(con, "recent_runs", limit=RECENT_RUNS).to_dicts(),
                "dictionary": data_dictionary(con),
                "freshness": _freshness(con, generated_at, grace),
            }
        lap("read marts")
        advance(note="charts")
        published = frames["publish_info"].row(0, named=True)
        gate = _gate(gate_results(data_dir), published["run_id"], data_dir, out.parent)
        context = {**_context(frames), **extras, "published": published,
                   "generated_at": generated_at, "gate": gate}
        lap("charts")
        advance(note="page")
        html = render(context)
        _write_atomically(out, html)
        lap("render")
        advance()
    return ReportResult(path=out, bytes=len(html.encode("utf-8")),
                        seconds=time.perf_counter() - started, steps=steps)


def _context(frames: dict[str, pl.DataFrame]) -> dict[str, Any]:
    """Everything the page shows that comes from the mart frames, charts included."""
    margin = frames["margin_total"]
    return {
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
                   for chart_id, fig in _charts(frames).items()},
    }


def _charts(frames: dict[str, pl.DataFrame]) -> dict[str, Any]:
    as_of: date = frames["publish_info"]["as_of_date"][0]
    return {
        "chart-index": charts.index_chart(frames["index_levels"], as_of),
        "chart-baskets": charts.basket_chart(frames["basket_value"]),
        "chart-valuation": charts.valuation_chart(frames["valuation_latest"]),
        "chart-ipo-first-day": charts.ipo_first_day_chart(frames["ipo_debuts"]),
        "chart-ipo-monthly": charts.ipo_monthly_chart(frames["ipo_monthly"]),
        "chart-margin": charts.margin_chart(frames["margin_total"], frames["events"]),
    }


def _freshness(con: Any, generated_at: datetime, grace: int) -> dict[str, Any]:
    """Freshness per dataset at report time: the worst series of each and how many are stale."""
    reference = reference_instant(None, generated_at)
    try:
        items = evaluate_freshness(con, reference, grace)
    except CalendarOutOfRange as exc:
        return {"error": str(exc), "rows": []}
    by_dataset: dict[str, list[Freshness]] = {}
    for item in items:
        by_dataset.setdefault(item.dataset, []).append(item)
    rows = [{
        "dataset": dataset, "series": len(group), "stale": sum(f.stale for f in group),
        "latest": min(f.latest for f in group), "due": max(f.due for f in group),
        "behind": max(f.behind for f in group),
    } for dataset, group in by_dataset.items()]
    return {"error": None, "reference": reference, "grace": grace, "rows": rows}


def _origins(origins: pl.DataFrame) -> dict[str, Any]:
    """Provenance for the banner: which series are reconstructed or synthetic, and the rest."""
    not_recorded = (
        origins.filter(pl.col("origin") != "recorded")
        .group_by("origin", "dataset", maintain_order=True)
        .agg(pl.len().alias("count"),
             pl.col("subject").unique().sort().str.join(", ").alias("subjects"))
        # Synthetic series matter most to a reader, so they come first.
        .sort("origin", "dataset", descending=[True, False])
    )
    counts = dict(Counter(origins["origin"].to_list()))
    return {"show_banner": not_recorded.height > 0, "not_recorded": not_recorded.to_dicts(),
            "counts": counts, "rows": origins.to_dicts()}


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
    }


def _latest_baskets(baskets: pl.DataFrame) -> list[dict[str, Any]]:
    return (baskets.sort("as_of_date").group_by("basket", maintain_order=True).last()
            .sort("basket").to_dicts())


def _latest_ratio(baskets: pl.DataFrame) -> float | None:
    ratios = baskets.filter(pl.col("china_us_ratio").is_not_null()).sort("as_of_date")
    return float(ratios["china_us_ratio"][-1]) if ratios.height else None


def _valuation(latest: pl.DataFrame) -> dict[str, Any]:
    unranked = latest.filter(pl.col("pe_ttm_pctile_3y").is_null())
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
    }


def _gate(
    doc: dict[str, Any] | None, published_run: str, data_dir: Path, report_dir: Path
) -> dict[str, Any] | None:
    """The last gate run per suite, linking each suite's Data Docs page when it was built."""
    if doc is None:
        return None
    pages = validation_pages(data_dir / GATE_DOCS_DIR, doc["run_id"])
    by_suite: dict[str, list[dict[str, Any]]] = {}
    for result in doc["results"]:
        by_suite.setdefault(result["suite"], []).append(result)
    suites = [{
        "suite": suite, **gate_counts({"results": results}),
        "page": os.path.relpath(pages[suite], report_dir) if suite in pages else None,
    } for suite, results in by_suite.items()]
    return {
        "run_id": doc["run_id"], "as_of": doc.get("as_of"), "passed": bool(doc.get("passed")),
        "counts": gate_counts(doc), "suites": suites, "has_pages": bool(pages),
        "broken": [r for r in doc["results"] if not r.get("success")],
        "newer": doc["run_id"] != published_run,
    }


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
