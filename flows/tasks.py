"""The nightly flow's tasks: prepare, extract, stage, gate, merge and build, publish.

Each is a Prefect task over paths and table names (no frames travel between them but the run's
provenance); the backfill flow reuses prepare, gate and publish.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from errors import EXIT_EXTRACTION, EXIT_GATE, CntechError
from expectations.gate import run_gate
from flows import pipeline
from flows.catalog import build_catalog, last_stored_dates
from flows.parse import ParsedChunk, read_parsed
from flows.placeholder_bars import drop_placeholder_bars
from flows.settings import Settings
from flows.sources import registry
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from warehouse import (
    db,
    export,
    holdback,
    ledger,
    load,
    marts,
    provenance,
    publish,
    retention,
    seeds,
)
from warehouse.lock import confined
from warehouse.mart_states import MartState, to_json


class GateFailed(CntechError, RuntimeError):
    """The quality gate rejected the staged data; nothing was merged or published."""

    exit_code = EXIT_GATE
    headed = True


class ExtractionFailed(CntechError, RuntimeError):
    """Some payloads could not be fetched or parsed; nothing was merged or published."""

    exit_code = EXIT_EXTRACTION
    headed = True


@dataclass(frozen=True)
class Unlanded:
    """Requests a live extraction left without a body: each one's message, and its staging
    table and label."""

    errors: list[str]
    failed: list[tuple[str, str]]


@dataclass
class StageReport:
    """What the stage step produced: rows per table, bodies that failed, the data's last date."""

    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    last_date: date | None = None
    dropped_after_as_of: int = 0
    # What the run should say without failing: days not yet published, placeholder bars dropped.
    notes: list[str] = field(default_factory=list)
    # (staging table, request) of every answer saying its day is not yet published.
    not_published: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def parsed(cls, found: ParsedChunk) -> StageReport:
        """The report before anything is staged: what parsing found."""
        return cls(errors=list(found.errors), last_date=found.last_date,
                   notes=list(found.notes), not_published=list(found.not_published))


@dataclass(frozen=True)
class Staged:
    """The date the run is for and what staging loaded."""

    as_of: date
    report: StageReport


@dataclass(frozen=True)
class Merged:
    """Rows upserted into each core table and rows in each rebuilt mart."""

    core_rows: dict[str, int]
    mart_rows: dict[str, int]


# No task here is cached: each writes the warehouse or reads what changes under it, and
# Prefect's default cache policy would hash every input to key a cache never read (0.4 s for
# the 16,000 request specs of a full-market night).
@task(cache_policy=NO_CACHE)
def prepare(settings: Settings, run_id: str) -> None:
    """Create warehouse tables, reload the reference seeds and open the run's ledger row."""
    with pipeline.connect_warehouse(settings) as con:
        db.apply_ddl(con)
        seeds.load_seeds(con, settings.seeds_dir)
        data_dir = settings.resolved_data_dir()
        # Under the writer lock, publish temp files and parsed chunks belong to runs that died.
        publish.remove_stale_temp_files(data_dir)
        shutil.rmtree(data_dir / "parsed", ignore_errors=True)
        ledger.start(con, run_id, settings.source,
                              published_run_id=publish.published_run_id(data_dir))


@task(retries=2, retry_delay_seconds=[2, 5], cache_policy=NO_CACHE)
def extract_live(settings: Settings, landing_root: Path,
                 window_end: date) -> Unlanded:
    """Fetch each series from its last stored date (less an overlap) and land every body.

    A series the warehouse has never stored backfills from ``history_start``; bodies already
    landed by an earlier attempt are kept, not refetched. Returns the message of every request
    left without a body, and each such request's staging table and label.
    """
    with pipeline.connect_warehouse(settings) as con:
        stored = last_stored_dates(con)
    specs = build_catalog(settings.history_start, window_end, stored,
                          settings.incremental_overlap_days, seeds_dir=settings.seeds_dir)
    zone = LandingZone(landing_root)
    errors = land_all(settings, zone, specs)
    failed = [(registry.endpoint(spec.endpoint).table, pipeline.request_label(spec))
              for spec in specs if not zone.complete(spec)]
    return Unlanded(errors, failed)


@task(cache_policy=NO_CACHE)
def stage(
    settings: Settings, run_id: str, parsed: list[ParsedChunk],
    explicit_as_of: date | None, window_end: date,
) -> Staged:
    """Load parsed bodies into staging tables; resolve the as-of date and trading sessions.

    The as-of date is the one requested, or the newest staged index bar capped at the end of
    the window the landing zone was requested for: a bar dated after it is the gate's
    ``no_future_date`` finding, never the date the run is for.
    """
    frames, found = read_parsed(parsed)
    report = StageReport.parsed(found)
    as_of = explicit_as_of or (report.last_date and min(report.last_date, window_end))
    if as_of is None:
        raise pipeline.ExtractionError("run", "no index bars were staged; nothing to do")
    frames = pipeline.scheduled_listings_only(frames, as_of)
    if explicit_as_of is not None:
        frames, report.dropped_after_as_of = pipeline.clip_to_as_of(frames, explicit_as_of)
    with pipeline.connect_warehouse(settings) as con:
        load.set_run_context(con, run_id=run_id, as_of=as_of, source=settings.source)
        starts: list[date] = [f["trade_date"].min() for f in frames.values()  # type: ignore[misc]
                              if "trade_date" in f.columns and f.height]
        load.ensure_tails(con)
        # Sessions reach back to the oldest stored bar: marts span the whole history.
        first = min([settings.history_start, *starts, *load.stored_start(con)])
        seeds.load_sessions(con, first, as_of)
        frames = drop_placeholder_bars(con, frames, report.notes)
        for table, frame in frames.items():
            report.rows[table] = load.stage(con, table, frame)
        ledger.staged(con, run_id, as_of=as_of, rows=report.rows)
    return Staged(as_of, report)


@dataclass(frozen=True)
class GateVerdict:
    """What the gate decided: the counts, the printable summary and the quarantined warnings.

    ``warnings`` lists every warn-severity rule that broke, with its sample rows: they publish,
    and the ledger and the run summary say which rows they were.
    """

    passed: bool
    failures: int
    summary: str
    checks_run: int
    warnings: list[dict[str, object]] = field(default_factory=list)
    # (table, rule) of every fail-severity rule that broke.
    blocking: list[tuple[str, str]] = field(default_factory=list)
    # Staging tables whose natural keys the gate proved distinct (``GateResult.keys_proved``).
    keys_proved: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        """The summary's first line: the verdict and its counts."""
        return self.summary.splitlines()[0]


@task(cache_policy=NO_CACHE)
def gate(settings: Settings, run_id: str, as_of: date) -> GateVerdict:
    """Run every expectation suite over staging; results land in ``<data-dir>/gate``."""
    with pipeline.connect_warehouse(settings) as con:
        result = run_gate(con, run_id=run_id, as_of=as_of,
                          results_dir=settings.resolved_data_dir() / "gate")
    warnings: list[dict[str, object]] = [
        {"table": f.table, "rule": f.rule, "rows": f.unexpected_count, "message": f.message,
         "sample": f.sample} for f in result.failures if f.severity == "warn"]
    blocking = [(f.table, f.rule) for f in result.failures if f.severity == "fail"]
    return GateVerdict(result.passed, len(blocking), result.summary(), result.checks_run,
                       warnings, blocking, tuple(sorted(result.keys_proved)))


@task(cache_policy=NO_CACHE)
def merge_and_build(settings: Settings, origins: pl.DataFrame) -> Merged:
    """Upsert staging into core on natural keys, export the touched months, rebuild the marts.

    The provenance of the merged rows (``origins``: the manifests of the staged bodies) is
    folded into ``ops.data_origins`` by series and date range.
    """
    with pipeline.connect_warehouse(settings) as con:
        export.note_staged(con)
        core_rows = load.merge_core(con)
        provenance.merge_origins(con, origins)
        pipeline.export_core(con, settings)
        mart_rows = marts.build_marts(con)
    return Merged(core_rows, mart_rows)


@task(cache_policy=NO_CACHE)
def publish_marts(settings: Settings, run_id: str, as_of: date, verdict: GateVerdict,
                  held_back: list[MartState] | None = None) -> Path:
    """Swap in a new read-only ``marts.duckdb`` (and Parquet copies) atomically.

    ``data_origins`` is published from ``ops.data_origins``: it describes every row the marts
    are built from, not only the bodies this run read, each endpoint with the dataset the
    provider registry says it feeds. Marts in ``held_back`` keep the rows of the live version
    (see :mod:`warehouse.holdback`); the others are the ones just built.
    """
    published_at = datetime.now(UTC)
    held = held_back or []
    states = holdback.states(as_of, held, marts.MARTS)
    message = "; ".join([verdict.headline, *holdback.describe(held)])
    outcome = ledger.Outcome("published", as_of=as_of, gate_passed=verdict.passed,
                             gate_failures=verdict.failures, published_at=published_at,
                             message=message[:2000], gate_warnings=verdict.warnings,
                             marts=states)
    with pipeline.connect_warehouse(settings) as con:
        info = pl.DataFrame({
            "run_id": [run_id], "as_of_date": [as_of], "source": [settings.source],
            "published_at": [published_at], "gate_checks_run": [verdict.checks_run],
            "marts": [to_json(states)],
        })
        path = publish.publish(con, settings.resolved_data_dir(), run_id=run_id, extra_tables={
            "publish_info": info,
            "data_origins": provenance.published_origins(con, registry.endpoint_datasets()),
            "ops_last_runs": ledger.preview(con, run_id, outcome),
        }, storage_version=settings.marts_storage_version, keep_versions=settings.keep_versions,
            held_back=[state.mart for state in held])
        ledger.finish(con, run_id, outcome)
        retention.prune_landing(con, confined(path.parent, "landing"), settings.landing_keep_days)
    return path


def finish(settings: Settings, run_id: str, outcome: ledger.Outcome) -> None:
    with pipeline.connect_warehouse(settings) as con:
        ledger.finish(con, run_id, outcome)


@contextmanager
def ledger_guard(settings: Settings, run_id: str) -> Iterator[None]:
    """Close the run's ledger row as ``failed`` when an unexpected error ends the run."""
    try:
        yield
    except (GateFailed, ExtractionFailed):
        raise
    except Exception as exc:
        # The original error matters more than a ledger row the warehouse cannot take.
        with suppress(duckdb.Error, OSError):
            finish(settings, run_id, ledger.Outcome(
                "failed", message=f"{type(exc).__name__}: {exc}"[:2000]))
        raise

