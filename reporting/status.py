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

from errors import CntechError
from registry import DATASETS
from reporting.marts import gate_counts, gate_results, open_marts, query
from warehouse.mart_states import MartState, from_json
from warehouse.publish import published_path

# The nightly run closes the Asian day after the US session; "as of a date" means its end there.
MONITOR_TZ = ZoneInfo("Asia/Shanghai")
# Between an exchange's close and the next nightly run a series is legitimately one session old.
DEFAULT_GRACE_SESSIONS = 1
RECENT_RUNS = 5
# Exit code of `cntech status` when a series is stale or the last gate run failed.
EXIT_UNHEALTHY = 1


class CalendarOutOfRange(CntechError, ValueError):
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
    lag: int = 0

    @property
    def stale(self) -> bool:
        """More sessions missing than the publication lag and the grace allow together."""
        return self.behind > self.grace + self.lag


def expected_lag(mart: str) -> int:
    """Sessions a mart's newest date may trail its calendars: the longest publication lag
    (``lag_sessions`` in the registry) of the datasets it reads."""
    return max((d.lag_sessions or 0 for d in DATASETS if mart in d.marts), default=0)


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
    def held_back(self) -> list[MartState]:
        """Marts the published version kept from an earlier one (a late or failed feed)."""
        states = from_json(self.published.get("marts"), None)
        return [state for state in states if state.status == "held_back"]

    @property
    def stale(self) -> list[Freshness]:
        """Series older than the grace allows."""
        return [f for f in self.freshness if f.stale]

    @property
    def gate_failed(self) -> bool:
        """The most recent gate run rejected its data (nothing newer was published).

        A run that published with marts held back failed only lateness rules: its own gate run
        is the published one, and ``held_back`` says what it did not advance.
        """
        return (self.gate is not None and not self.gate.get("passed", False)
                and self.gate.get("run_id") != self.published.get("run_id"))

    @property
    def healthy(self) -> bool:
        """Fresh, nothing held back and not blocked by the gate: exit code 0."""
        return not self.stale and not self.gate_failed and not self.held_back


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

    A series may trail by its mart's publication lag (:func:`expected_lag`) plus ``grace``.

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
                                 len(missing), grace, expected_lag(row["mart"])))
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
        "held_back": [state.__dict__ for state in report.held_back],
        "freshness": [{**f.__dict__, "stale": f.stale} for f in report.freshness],
    }
    return json.dumps(doc, default=str, indent=1)
