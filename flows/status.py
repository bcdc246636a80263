"""``cntech status``: last runs, gate verdict and per-series freshness against exchange calendars.

Everything is read from the published ``marts.duckdb`` (opened read-only) and the gate's
``latest.json``; the writer's ``warehouse.duckdb`` is never opened, so a status check can run while
a nightly run holds it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
from rich.console import Console
from rich.table import Table

from flows.reporting.marts import gate_counts, gate_results, open_marts, query
from warehouse.publish import published_path

# The nightly run closes the Asian day after the US session; "as of a date" means its end there.
MONITOR_TZ = ZoneInfo("Asia/Shanghai")
# Between an exchange's close and the next nightly run a series is legitimately one session old.
DEFAULT_GRACE_SESSIONS = 1
RECENT_RUNS = 5
# Exit code of `cntech status` when a series is stale or the last gate run failed.
EXIT_UNHEALTHY = 1


class CalendarOutOfRange(ValueError):
    """The reference date lies beyond what an exchange calendar defines."""


@dataclass(frozen=True)
class Freshness:
    """How far one published series lags the sessions its calendars have closed."""

    dataset: str
    series: str
    calendars: tuple[str, ...]
    latest: date
    due: date
    behind: int
    grace: int

    @property
    def stale(self) -> bool:
        """More sessions missing than the grace allows."""
        return self.behind > self.grace


@dataclass
class StatusReport:
    """Everything ``cntech status`` prints, and what decides its exit code."""

    marts: Path
    reference: datetime
    grace: int
    basis: str
    published: dict[str, Any]
    table_rows: dict[str, int]
    runs: list[dict[str, Any]]
    gate: dict[str, Any] | None
    freshness: list[Freshness] = field(default_factory=list)

    @property
    def stale(self) -> list[Freshness]:
        """Series older than the grace allows."""
        return [f for f in self.freshness if f.stale]

    @property
    def gate_failed(self) -> bool:
        """The most recent gate run rejected its data (nothing newer was published)."""
        return self.gate is not None and not self.gate.get("passed", False)

    @property
    def healthy(self) -> bool:
        """Fresh and not blocked by the gate: exit code 0."""
        return not self.stale and not self.gate_failed


def reference_instant(as_of: date | None, now: datetime | None = None) -> datetime:
    """The moment freshness is judged at: the end of ``as_of`` in Shanghai, else now."""
    if as_of is not None:
        return datetime.combine(as_of, time(23, 59, 59), MONITOR_TZ)
    return now or datetime.now(UTC)


def snapshot_as_of(published: Mapping[str, Any]) -> date | None:
    """The as-of date of marts published from a replayed landing zone (its data's own clock)."""
    as_of = published.get("as_of_date")
    return as_of if published.get("source") == "snapshot" and isinstance(as_of, date) else None


def judging_clock(published: Mapping[str, Any], as_of: date | None = None,
                  now: datetime | None = None) -> tuple[datetime, str]:
    """When to judge freshness, and why: ``as_of``, else a snapshot's as-of date, else now."""
    if as_of is not None:
        return reference_instant(as_of), f"end of {as_of} in Shanghai (--as-of)"
    snapshot = snapshot_as_of(published)
    if snapshot is not None:
        return reference_instant(snapshot), (f"the snapshot's as-of date {snapshot}, its data's "
                                             "own clock (--as-of judges another day)")
    return reference_instant(None, now), "now, against the exchange calendars"


def evaluate_freshness(
    con: duckdb.DuckDBPyConnection, reference: datetime, grace: int, *, data_clock: bool = True
) -> list[Freshness]:
    """Per published series: its latest date against the last session closed by ``reference``.

    A series on several calendars (the China-AI basket trades in Shanghai, Shenzhen and Hong
    Kong) is due on the latest session any of them has closed; sessions behind are counted over
    the union of their session dates. With ``data_clock``, marts published from a snapshot are
    judged no later than the end of its as-of date: a replay holds nothing later, so calendar
    time since then says nothing about it.
    """
    info = query(con, "publish_info") if data_clock else None
    snapshot = snapshot_as_of(info.row(0, named=True)) if info is not None and info.height else None
    if snapshot is not None:
        reference = min(reference, reference_instant(snapshot))
    series = query(con, "series_latest")
    if series.is_empty():
        return []
    earliest: date = series["latest_date"].min()  # type: ignore[assignment]
    names = sorted({c for cals in series["calendars"].to_list() for c in cals})
    sessions = {name: _closed_sessions(name, earliest, reference) for name in names}
    results = []
    for row in series.iter_rows(named=True):
        calendars = tuple(row["calendars"])
        latest: date = row["latest_date"]
        due = max((sessions[c][-1] for c in calendars if sessions[c]), default=latest)
        missing = {s for c in calendars for s in sessions[c] if latest < s <= due}
        results.append(Freshness(row["dataset"], row["series"], calendars, latest, due,
                                 len(missing), grace))
    return results


def _closed_sessions(calendar: str, start: date, reference: datetime) -> list[date]:
    """Sessions of ``calendar`` from ``start`` whose close is at or before ``reference``."""
    import exchange_calendars as xcals

    cal = xcals.get_calendar(calendar, start=pd.Timestamp(start - timedelta(days=14)))
    last_defined = cal.last_session.date()
    if reference.astimezone(UTC).date() > last_defined:
        raise CalendarOutOfRange(
            f"The {calendar} trading calendar (exchange-calendars) is defined only up to "
            f"{last_defined}, so freshness on {reference.date()} cannot be judged. Upgrade "
            "exchange-calendars, or pass an earlier --as-of."
        )
    closes = cal.closes
    closed = closes[closes <= pd.Timestamp(reference).tz_convert(UTC)]
    return [ts.date() for ts in closed.index]


def collect_status(
    data_dir: Path, *, as_of: date | None = None, grace: int = DEFAULT_GRACE_SESSIONS,
    now: datetime | None = None, runs: int = RECENT_RUNS,
) -> StatusReport:
    """Read the published file and the gate results, and judge every series' freshness.

    Without ``as_of``, marts published from a snapshot are judged at the end of its as-of date
    and live ones at ``now`` (default: the current time); see :func:`judging_clock`.
    """
    with open_marts(data_dir) as con:
        info = query(con, "publish_info")
        published = info.row(0, named=True) if info.height else {}
        reference, basis = judging_clock(published, as_of, now)
        table_rows = dict(query(con, "table_rows").iter_rows())
        recent = query(con, "recent_runs", limit=runs).to_dicts()
        freshness = evaluate_freshness(con, reference, grace, data_clock=False)
    return StatusReport(
        marts=published_path(data_dir), reference=reference, grace=grace,
        basis=basis, published=published, table_rows=table_rows, runs=recent,
        gate=gate_results(data_dir), freshness=freshness,
    )


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.astimezone(MONITOR_TZ).strftime("%Y-%m-%d %H:%M+08")


def _rows_total(row_counts: str | None) -> str:
    if not row_counts:
        return "-"
    counts = json.loads(row_counts)
    return f"{sum(counts.values()):,}" if isinstance(counts, dict) else "-"


def print_status(console: Console, report: StatusReport, *, verbose: bool = False) -> None:
    """Published run, last gate verdict, recent runs and freshness, most important last."""
    pub = report.published
    console.print(f"[bold]Published marts[/bold] {report.marts}")
    console.print(f"  run {pub.get('run_id')}, as of {pub.get('as_of_date')}, source "
                  f"{pub.get('source')}, published {_when(pub.get('published_at'))}, "
                  f"{pub.get('gate_checks_run')} gate checks passed")
    marts = {k: v for k, v in report.table_rows.items() if k.startswith("mart_")}
    console.print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in marts.items()))
    _print_gate(console, report, verbose)
    _print_runs(console, report, verbose)
    _print_freshness(console, report, verbose)
    if report.healthy:
        console.print("[bold green]OK[/bold green]: every series is current and the last gate "
                      "run passed.")
        return
    problems = []
    if report.stale:
        datasets = sorted({f.dataset for f in report.stale})
        problems.append(f"{len(report.stale)} series stale ({', '.join(datasets)})")
    if report.gate_failed:
        problems.append("the last quality-gate run failed")
    console.print(f"[bold red]ATTENTION[/bold red]: {'; '.join(problems)}.")


def _print_gate(console: Console, report: StatusReport, verbose: bool) -> None:
    gate = report.gate
    if gate is None:
        console.print("[yellow]Last gate run: no results found (gate/latest.json).[/yellow]")
        return
    counts = gate_counts(gate)
    verdict = "[green]PASSED[/green]" if gate.get("passed") else "[red]FAILED[/red]"
    console.print(f"Last gate run {gate.get('run_id')} as of {gate.get('as_of')}: {verdict} "
                  f"({counts['checks']} checks, {counts['failing']} failing, "
                  f"{counts['warning']} warning)")
    if gate.get("run_id") != report.published.get("run_id"):
        console.print("  [yellow]this run is newer than the published marts, which were "
                      "not replaced[/yellow]")
    broken = [r for r in gate.get("results", []) if not r.get("success")]
    for result in broken if verbose else broken[:5]:
        console.print(f"  [{result.get('severity')}] {result.get('message')}", markup=False)
    if not verbose and len(broken) > 5:
        console.print(f"  ... and {len(broken) - 5} more (--verbose)")


def _print_runs(console: Console, report: StatusReport, verbose: bool) -> None:
    table = Table(title="Recent runs (ledger as published)", title_justify="left")
    columns = ["run", "status", "as of", "gate", "published"]
    if verbose:
        columns += ["started", "source", "rows", "message"]
    for column in columns:
        table.add_column(column, no_wrap=column in ("run", "as of", "published"))
    for run in report.runs:
        gate = ("-" if run["gate_passed"] is None else
                "passed" if run["gate_passed"] else f"failed ({run['gate_failures']})")
        cells = [run["run_id"], run["status"], str(run["as_of_date"] or "-"), gate,
                 _when(run["published_at"])]
        if verbose:
            cells += [_when(run["started_at"]), run["source"], _rows_total(run["row_counts"]),
                      run["message"] or ""]
        table.add_row(*cells)
    console.print(table)


def _print_freshness(console: Console, report: StatusReport, verbose: bool) -> None:
    title = (f"Freshness at {_when(report.reference)}: {report.basis}; grace {report.grace} "
             f"session{'s' if report.grace != 1 else ''}")
    table = Table(title=title, title_justify="left")
    first = ["dataset", "series", "calendar"] if verbose else ["dataset", "stale/series"]
    for column in (*first, "latest", "due", "behind", "status"):
        table.add_column(column, no_wrap=column in ("latest", "due"))
    groups: dict[str, list[Freshness]] = {}
    for item in report.freshness:
        groups.setdefault(item.dataset if not verbose else f"{item.dataset}/{item.series}",
                          []).append(item)
    for items in groups.values():
        head = items[0]
        stale = sum(f.stale for f in items)
        cells = ([head.dataset, head.series, "+".join(head.calendars)] if verbose
                 else [head.dataset, f"{stale}/{len(items)}"])
        cells += [str(min(f.latest for f in items)), str(max(f.due for f in items)),
                  str(max(f.behind for f in items)),
                  "[red]stale[/red]" if stale else "[green]fresh[/green]"]
        table.add_row(*cells)
    console.print(table)


def _parsed(row_counts: object) -> object:
    """``row_counts`` is stored as JSON text; monitoring wants the object itself."""
    if not isinstance(row_counts, str):
        return row_counts
    try:
        return json.loads(row_counts)
    except json.JSONDecodeError:
        return row_counts


def status_json(report: StatusReport) -> str:
    """The status as one JSON document, for monitoring systems."""
    doc = {
        "healthy": report.healthy,
        "reference": report.reference.isoformat(),
        "grace_sessions": report.grace,
        "published": report.published,
        "gate": None if report.gate is None else {
            "run_id": report.gate.get("run_id"), "as_of": report.gate.get("as_of"),
            "passed": report.gate.get("passed"), "counts": gate_counts(report.gate)},
        "runs": [{**run, "row_counts": _parsed(run.get("row_counts"))} for run in report.runs],
        "freshness": [{**f.__dict__, "stale": f.stale} for f in report.freshness],
    }
    return json.dumps(doc, default=str, indent=1)
