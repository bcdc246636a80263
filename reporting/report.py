"""``cntech report``: one self-contained HTML page from the published marts.

Styles, plotly.js and the chart data are inlined, so the file opens offline and can be mailed or
archived as it is. Everything is read from the published ``marts.duckdb`` (read-only) and the
gate's results; nothing is recomputed that the marts already state.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reporting.compare import compare
from reporting.docs import GATE_DOCS_DIR, data_dictionary
from reporting.gate_docs import validation_pages
from reporting.marts import gate_counts, gate_results, open_marts, query, resolve_as_of
from reporting.page import render
from reporting.sections import context, read_frames
from reporting.status import (
    DEFAULT_GRACE_SESSIONS,
    CalendarOutOfRange,
    Freshness,
    evaluate_freshness,
    reference_instant,
)
from warehouse.files import write_atomically
from warehouse.mart_states import from_json

REPORT_NAME = "report.html"
CHART_IDS = ("chart-index", "chart-baskets", "chart-valuation", "chart-ipo-first-day",
             "chart-ipo-monthly", "chart-margin")
RECENT_RUNS = 10
REPORT_STEPS = 3


@dataclass
class ReportResult:
    """Where the report went and what it took."""

    path: Path
    bytes: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)


def build_report(
    data_dir: Path, out: Path | None = None, *, now: datetime | None = None,
    grace: int = DEFAULT_GRACE_SESSIONS, as_of: date | str | None = None,
    advance: Callable[..., None] | None = None,
) -> ReportResult:
    """Write the report for the marts published in ``data_dir``; returns where and how big.

    ``as_of`` renders the report for an earlier published trade date from the history the marts
    keep (default: the published as-of date); a date they do not hold raises AsOfUnavailable.
    ``out`` defaults to ``<data-dir>/report.html`` (``report-<as_of>.html`` for an explicit
    date); freshness is judged at ``now`` (default: the current time) with ``grace`` sessions.
    ``advance(note=...)`` hears of each of the ``REPORT_STEPS`` steps as it ends (a progress bar).
    """
    started = time.perf_counter()
    default_name = REPORT_NAME if as_of is None else f"report-{as_of}.html"
    out = (out or data_dir / default_name).expanduser().resolve()
    generated_at = now or datetime.now(UTC)
    steps: dict[str, float] = {}
    clock = started

    def lap(step: str) -> None:
        nonlocal clock
        steps[step], clock = time.perf_counter() - clock, time.perf_counter()

    step = advance or _quiet
    with open_marts(data_dir) as con:
        published = query(con, "publish_info").row(0, named=True)
        day = resolve_as_of(con, as_of, published["as_of_date"])
        frames = read_frames(con, day)
        extras = {
            "runs": query(con, "recent_runs", limit=RECENT_RUNS).to_dicts(),
            "dictionary": data_dictionary(con), "comparison": compare(con),
            "freshness": _freshness(con, generated_at, grace),
        }
    lap("read marts")
    step(note="charts")
    gate = _gate(gate_results(data_dir), published["run_id"], data_dir, out.parent)
    page = {**context(frames, day), **extras, "published": published,
            "generated_at": generated_at, "gate": gate,
            "held_back": [state for state in from_json(published.get("marts"), None)
                          if state.status == "held_back"]}
    lap("charts")
    step(note="page")
    html = render(page)
    write_atomically(out, html)
    lap("render")
    step()
    return ReportResult(path=out, bytes=len(html.encode("utf-8")),
                        seconds=time.perf_counter() - started, steps=steps)


def _quiet(steps: int = 1, note: str | None = None) -> None:
    return None


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
