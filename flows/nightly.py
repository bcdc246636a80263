"""The nightly flow: extract → stage → gate → merge → marts → publish."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
from prefect import flow, get_run_logger, task

from expectations.gate import preload, run_gate
from flows import pipeline, progress, runners
from flows.catalog import build_catalog, last_stored_dates, replayable
from flows.debuts import follow_debuts
from flows.placeholder_bars import drop_placeholder_bars
from flows.settings import Settings
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from warehouse import db, export, ledger, load, marts, provenance, publish, retention, seeds
from warehouse.lock import WriterLock, confined
from warehouse.seed_rules import check_seeds


class GateFailed(RuntimeError):
    """The quality gate rejected the staged data; nothing was merged or published."""


class ExtractionFailed(RuntimeError):
    """Some payloads could not be fetched or parsed; nothing was merged or published."""


@dataclass
class RunResult:
    """What a run did, for the CLI summary."""

    run_id: str
    as_of: date
    source: str
    published: Path | None
    rows: dict[str, int] = field(default_factory=dict)
    mart_rows: dict[str, int] = field(default_factory=dict)
    gate_summary: str = ""
    gate_warnings: list[dict[str, object]] = field(default_factory=list)
    origins: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


@task
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


@task(retries=2, retry_delay_seconds=[2, 5])
def extract_live(settings: Settings, landing_root: Path, window_end: date) -> list[str]:
    """Fetch each series from its last stored date (less an overlap) and land every body.

    A series the warehouse has never stored backfills from ``history_start``; bodies already
    landed by an earlier attempt are kept, not refetched.
    """
    with pipeline.connect_warehouse(settings) as con:
        stored = last_stored_dates(con)
    specs = build_catalog(settings.history_start, window_end, stored,
                          settings.incremental_overlap_days, seeds_dir=settings.seeds_dir)
    return land_all(settings, LandingZone(landing_root), specs)


@task
def stage(
    settings: Settings, run_id: str, parsed: list[pipeline.ParsedChunk],
    explicit_as_of: date | None, window_end: date,
) -> tuple[date, pipeline.StageReport]:
    """Load parsed bodies into staging tables; resolve the as-of date and trading sessions.

    The as-of date is the one requested, or the newest staged index bar capped at the end of
    the window the landing zone was requested for: a bar dated after it is the gate's
    ``no_future_date`` finding, never the date the run is for.
    """
    frames, report = pipeline.read_parsed(parsed)
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
    return as_of, report


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

    @property
    def headline(self) -> str:
        """The summary's first line: the verdict and its counts."""
        return self.summary.splitlines()[0]


@task
def gate(settings: Settings, run_id: str, as_of: date) -> GateVerdict:
    """Run every expectation suite over staging; results land in ``<data-dir>/gate``."""
    with pipeline.connect_warehouse(settings) as con:
        result = run_gate(con, run_id=run_id, as_of=as_of,
                          results_dir=settings.resolved_data_dir() / "gate")
    warnings: list[dict[str, object]] = [
        {"table": f.table, "rule": f.rule, "rows": f.unexpected_count, "message": f.message,
         "sample": f.sample} for f in result.failures if f.severity == "warn"]
    return GateVerdict(result.passed, sum(f.severity == "fail" for f in result.failures),
                       result.summary(), result.checks_run, warnings)


@task
def merge_and_build(settings: Settings, origins: pl.DataFrame) -> tuple[dict[str, int],
                                                                         dict[str, int]]:
    """Upsert staging into core on natural keys, export the touched months, rebuild the marts.

    The provenance of the merged rows (``origins``: the manifests of the staged bodies) is
    folded into ``ops.data_origins`` by series and date range.
    """
    with pipeline.connect_warehouse(settings) as con:
        core_rows = load.merge_core(con)
        provenance.merge_origins(con, origins)
        export.export_touched(con, confined(settings.resolved_data_dir(), "core"))
        mart_rows = marts.build_marts(con)
    return core_rows, mart_rows


@task
def publish_marts(settings: Settings, run_id: str, as_of: date, verdict: GateVerdict) -> Path:
    """Swap in a new read-only ``marts.duckdb`` (and Parquet copies) atomically.

    ``data_origins`` is published from ``ops.data_origins``: it describes every row the marts
    are built from, not only the bodies this run read.
    """
    published_at = datetime.now(UTC)
    outcome = ledger.Outcome("published", as_of=as_of, gate_passed=True, gate_failures=0,
                             published_at=published_at, message=verdict.headline,
                             gate_warnings=verdict.warnings)
    with pipeline.connect_warehouse(settings) as con:
        info = pl.DataFrame({
            "run_id": [run_id], "as_of_date": [as_of], "source": [settings.source],
            "published_at": [published_at], "gate_checks_run": [verdict.checks_run],
        })
        path = publish.publish(con, settings.resolved_data_dir(), run_id=run_id, extra_tables={
            "publish_info": info,
            "data_origins": provenance.published_origins(con),
            "ops_last_runs": ledger.preview(con, run_id, outcome),
        }, storage_version=settings.marts_storage_version, keep_versions=settings.keep_versions)
        ledger.finish(con, run_id, outcome)
        retention.prune_landing(con, confined(path.parent, "landing"), settings.landing_keep_days)
    return path


def _finish(settings: Settings, run_id: str, outcome: ledger.Outcome) -> None:
    with pipeline.connect_warehouse(settings) as con:
        ledger.finish(con, run_id, outcome)


@contextmanager
def _ledger_guard(settings: Settings, run_id: str) -> Iterator[None]:
    """Close the run's ledger row as ``failed`` when an unexpected error ends the run."""
    try:
        yield
    except (GateFailed, ExtractionFailed):
        raise
    except Exception as exc:
        # The original error matters more than a ledger row the warehouse cannot take.
        with suppress(duckdb.Error, OSError):
            _finish(settings, run_id, ledger.Outcome(
                "failed", message=f"{type(exc).__name__}: {exc}"[:2000]))
        raise


@flow(name="nightly", log_prints=True)
def nightly(
    source: str = "snapshot",
    as_of: date | None = None,
    snapshot: str | None = None,
    data_dir: str | None = None,
    lock_wait_seconds: float | None = None,
    task_runner: str | None = None,
    dask_address: str | None = None,
) -> RunResult:
    """Extract every dataset, gate it, merge it and publish the marts for one as-of date.

    ``source="snapshot"`` replays a landing zone (the bundled snapshot by default) through the
    same parsers as live; ``source="live"`` fetches from the providers into a new landing
    directory under ``<data-dir>/landing`` first.
    """
    overrides: dict[str, object] = {"source": source}
    if as_of is not None:
        overrides["as_of"] = as_of
    if snapshot is not None:
        overrides["snapshot_dir"] = Path(snapshot)
    if data_dir is not None:
        overrides["data_dir"] = Path(data_dir)
    if lock_wait_seconds is not None:
        overrides["lock_wait_seconds"] = lock_wait_seconds
    if task_runner is not None:
        overrides["task_runner"] = task_runner
    if dask_address is not None:
        overrides["dask_address"] = dask_address
    settings = Settings(**overrides)  # type: ignore[arg-type]
    check_seeds(settings.seeds_dir)
    logger = get_run_logger()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    data_dir_path = settings.resolved_data_dir()
    progress.begin_run("nightly")
    with (WriterLock(data_dir_path, settings.lock_wait_seconds) as lock,
          _ledger_guard(settings, run_id)):
        if lock.stale_holder:
            logger.warning("took over the writer lock left by a run that died (%s)",
                           lock.stale_holder)
        prepare(settings, run_id)
        if settings.source == "live":
            window_end = settings.as_of or pipeline.default_live_as_of()
        else:
            window_end = settings.as_of or pipeline.snapshot_window_end(settings.snapshot_dir)
        specs = build_catalog(settings.history_start, window_end, seeds_dir=settings.seeds_dir)
        requested = len(specs)
        progress.stage_start("extract", f"{requested} requests, {settings.source}")
        if settings.source == "live":
            landing_root = confined(data_dir_path, "landing", run_id)
            errors = extract_live(settings, landing_root, window_end)
            # A request that failed to land is already in ``errors``: parsing it would report
            # it a second time.
            specs = [spec for spec in specs if LandingZone(landing_root).complete(spec)]
        else:
            landing_root = settings.snapshot_dir.expanduser().resolve()
            specs = replayable(specs, landing_root)
            errors = []
        progress.stage_end("extract", f"{len(specs)}/{requested} requests landed")
        specs, unfollowed = follow_debuts(settings, landing_root, specs, window_end)
        for message in unfollowed:
            logger.warning("IPO debut not followed: %s", message)
        if settings.source == "snapshot" and settings.adopt_unmanifested:
            for path in LandingZone(landing_root).adopt(specs):
                logger.warning("adopted %s: landed without a manifest", path)
        parsed_dir = confined(data_dir_path, "parsed", run_id)
        try:
            # The gate's imports load while the parse workers run; they would wait for it.
            preload()
            progress.stage_start("parse", f"{len(specs)} bodies")
            parsed = runners.fan_out_parse(settings, landing_root, specs, parsed_dir)
            progress.stage_end("parse", f"{sum(sum(c.rows.values()) for c in parsed):,} rows")
            progress.stage_start("stage")
            as_of_date, report = stage(settings, run_id, parsed, settings.as_of, window_end)
            progress.stage_end("stage", f"{sum(report.rows.values()):,} rows as of {as_of_date}")
        finally:
            shutil.rmtree(parsed_dir, ignore_errors=True)
        errors = [*errors, *report.errors]
        origins = pipeline.origins_frame(LandingZone(landing_root), specs)
        if errors:
            _finish(settings, run_id, ledger.Outcome(
                "extraction_failed", as_of=as_of_date, rows=report.rows,
                message="; ".join(errors)[:2000]))
            raise ExtractionFailed("\n".join(errors))
        progress.stage_start("gate")
        verdict = gate(settings, run_id, as_of_date)
        progress.stage_end("gate", progress.gate_verdict(verdict.summary, verdict.checks_run))
        if not verdict.passed:
            _finish(settings, run_id, ledger.Outcome(
                "gate_failed", as_of=as_of_date, rows=report.rows, gate_passed=False,
                gate_failures=verdict.failures, message=verdict.summary[:2000],
                gate_warnings=verdict.warnings))
            raise GateFailed(verdict.summary)
        progress.stage_start("merge")
        core_rows, mart_rows = merge_and_build(settings, origins)
        progress.stage_end("merge", f"{sum(core_rows.values()):,} core rows, "
                           f"{sum(mart_rows.values()):,} mart rows")
        progress.stage_start("publish")
        published = publish_marts(settings, run_id, as_of_date, verdict)
        progress.stage_end("publish", str(published))
        logger.info("published %s for %s", published, as_of_date)
    return RunResult(run_id=run_id, as_of=as_of_date, source=settings.source,
                     published=published, rows=report.rows, mart_rows=mart_rows,
                     gate_summary=verdict.summary, origins=origins,
                     gate_warnings=verdict.warnings, notes=report.notes)
