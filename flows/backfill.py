"""Backfill a landing zone's history partition by partition, resumably, then publish once.

Parsing fans out over the task runner and writes every body's rows to Parquet cut by month or
year; then each partition in date order is staged straight from its Parquet files, gated and
merged. Memory is bounded by one chunk of bodies while parsing and by one partition while
loading, never by the history. A partition is recorded in ``ops.backfill_partitions`` in the same
transaction as its merge, so a rerun after an interruption or a failed gate skips exactly the
partitions already in core.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from expectations.gate import preload
from flows import pipeline, progress, runners
from flows.catalog import build_catalog, check_seeds, replayable
from flows.parse import ParsedChunk, check_grain, partition_label
from flows.settings import Settings, settings_from
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from flows.tasks import (
    ExtractionFailed,
    GateFailed,
    GateVerdict,
    gate,
    prepare,
    publish_marts,
)
from registry import STAGING_TABLES, by_name
from warehouse import export, ledger, load, marts, provenance, seeds
from warehouse.lock import WriterLock, confined


@dataclass
class BackfillResult:
    """What a backfill did, for the CLI summary."""

    run_id: str
    start: date
    end: date
    as_of: date | None
    published: Path | None
    merged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    mart_rows: dict[str, int] = field(default_factory=dict)
    checks_run: int = 0
    gate_warnings: list[dict[str, object]] = field(default_factory=list)


def plan_partitions(landing: str, start: date, end: date, grain: str) -> list[load.Partition]:
    """Calendar months or years covering [start, end], the outer two clipped to it."""
    check_grain(grain)
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    parts = []
    first = start
    while first <= end:
        if grain == "year":
            following = date(first.year + 1, 1, 1)
        else:
            following = load.month_after(first)
        last = min(end, following - timedelta(days=1))
        parts.append(load.Partition(landing, first, last, partition_label(first, grain)))
        first = following
    return parts


def parsed_dir(settings: Settings, landing_root: Path, grain: str) -> Path:
    """Where a zone's parsed Parquet lives until its backfill completes (one per zone, grain)."""
    key = hashlib.sha256(f"{landing_root}|{grain}".encode()).hexdigest()[:16]
    return confined(settings.resolved_data_dir(), "backfill", key)


@task(cache_policy=NO_CACHE)
def stage_partition(
    settings: Settings, run_id: str, part: load.Partition, files: dict[str, list[str]]
) -> dict[str, int]:
    """Replace the staging tables with one partition's rows, read from its Parquet files."""
    with pipeline.connect_warehouse(settings) as con:
        load.set_run_context(con, run_id=run_id, as_of=part.end, source=settings.source)
        return {table: load.stage_files(con, table, files.get(table, []),
                                        by_name(table).date, part.start, part.end)
                for table in STAGING_TABLES}


@task(cache_policy=NO_CACHE)
def merge_partition(settings: Settings, part: load.Partition, rows: dict[str, int],
                    origins: pl.DataFrame, keys_proved: tuple[str, ...] = ()) -> None:
    """Upsert the staged partition into core and record it as merged, in one transaction.

    The months it touches are noted for export first, then written once merged
    (``warehouse.export``). The partition's provenance (``origins``: manifests of the zone's
    bodies) follows into ``ops.data_origins`` for the dates it staged. ``keys_proved`` names
    the tables whose staged keys the partition's gate proved distinct, which the merge need not
    prove again.
    """
    with pipeline.connect_warehouse(settings) as con:
        export.note_staged(con)
        load.merge_core(con, part, rows, keys_proved)
        provenance.merge_origins(con, origins)
        pipeline.export_core(con, settings)


@task(cache_policy=NO_CACHE)
def export_core(settings: Settings) -> int:
    """Write the Parquet copies of every core month merged and not yet exported (a run that
    died between its merge and its export left them)."""
    with pipeline.connect_warehouse(settings) as con:
        return pipeline.export_core(con, settings)


@dataclass(frozen=True)
class Built:
    """The newest stored index day the marts were rebuilt as of, and rows in each mart."""

    as_of: date
    mart_rows: dict[str, int]


@task(cache_policy=NO_CACHE)
def build(settings: Settings, run_id: str, first: date) -> Built:
    """Rebuild every mart as of the newest stored index day."""
    with pipeline.connect_warehouse(settings) as con:
        as_of = load.last_index_date(con)
        if as_of is None:
            raise ExtractionFailed("the backfill stored no index bars; nothing to publish")
        load.set_run_context(con, run_id=run_id, as_of=as_of, source=settings.source)
        seeds.load_sessions(con, min([first, *load.stored_start(con)]), as_of)
        return Built(as_of, marts.build_marts(con))


def _pending_parts(settings: Settings, parts: list[load.Partition]) -> list[load.Partition]:
    with pipeline.connect_warehouse(settings) as con:
        load.ensure_tails(con)
        done = load.merged_partitions(con, parts[0].landing) if parts else set()
    return [p for p in parts if (p.start, p.end) not in done]


@flow(name="backfill", log_prints=True)
def backfill(
    start: date,
    end: date,
    partition: str = "month",
    snapshot: str | None = None,
    data_dir: str | None = None,
    task_runner: str | None = None,
    dask_address: str | None = None,
) -> BackfillResult:
    """Load a landing zone's [start, end] partition by partition, gating each, then publish.

    ``snapshot`` is the landing zone (default: the bundled snapshot, or ``CNTECH_SNAPSHOT_DIR``);
    ``partition`` is ``month`` or ``year``. Partitions merged by an earlier run of the same zone
    are skipped, so an interrupted backfill resumes where it stopped.
    """
    settings = settings_from(history_start=start, snapshot_dir=snapshot, data_dir=data_dir,
                             task_runner=task_runner, dask_address=dask_address)
    check_seeds(settings.seeds_dir)
    logger = get_run_logger()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    landing_root = settings.snapshot_dir.expanduser().resolve()
    parts = plan_partitions(str(landing_root), start, end, partition)
    result = BackfillResult(run_id, start, end, None, None)
    progress.begin_run("backfill")
    with WriterLock(settings.resolved_data_dir(), settings.lock_wait_seconds):
        prepare(settings, run_id)
        progress.stage_start("extract", f"{start}..{end} from {landing_root}")
        requested = build_catalog(start, end, seeds_dir=settings.seeds_dir)
        specs = replayable(requested, landing_root)
        progress.stage_end("extract", f"{len(specs)}/{len(requested)} requests landed")
        pending = _pending_parts(settings, parts)
        result.skipped = [p.label for p in parts if p not in pending]
        work = parsed_dir(settings, landing_root, partition)
        if pending:
            logger.info("parsing %d bodies of %s by %s", len(specs), landing_root, partition)
            chunks = _parse(settings, run_id, landing_root, specs, work, partition)
            with pipeline.connect_warehouse(settings) as con:
                seeds.load_sessions(con, min([start, *load.stored_start(con)]), end)
            progress.stage_start("merge", f"{len(pending)} partitions, each staged, gated, merged")
            _load_partitions(settings, run_id, pending, chunks, result,
                             pipeline.origins_frame(LandingZone(landing_root), specs))
            progress.stage_end("merge", f"{sum(result.rows.values()):,} rows")
        export_core(settings)
        _publish(settings, run_id, result)
        shutil.rmtree(work, ignore_errors=True)
    return result


def _publish(settings: Settings, run_id: str, result: BackfillResult) -> None:
    """Rebuild the marts once from everything merged and publish them."""
    progress.stage_start("publish", f"{len(result.merged)} partitions merged")
    built = build(settings, run_id, result.start)
    result.as_of, result.mart_rows = built.as_of, built.mart_rows
    result.published = publish_marts(settings, run_id, built.as_of, GateVerdict(
        True, 0, f"backfill {result.start}..{result.end}: {len(result.merged)} partitions "
        f"merged, {len(result.skipped)} already merged", result.checks_run,
        result.gate_warnings))
    progress.stage_end("publish", f"{sum(result.mart_rows.values()):,} mart rows as of "
                       f"{built.as_of}, {result.checks_run:,} checks passed")


def _load_partitions(
    settings: Settings, run_id: str, pending: list[load.Partition],
    chunks: list[ParsedChunk], result: BackfillResult, origins: pl.DataFrame,
) -> None:
    """Stage, gate and merge each partition in date order."""
    with progress.progress_bar("backfill", len(pending)) as advance:
        for part in pending:
            advance(0, part.label)
            rows = stage_partition(settings, run_id, part, _partition_files(chunks, part))
            keys_proved = _gated(settings, run_id, part, rows, result)
            merge_partition(settings, part, rows, origins, keys_proved)
            result.merged.append(part.label)
            for table, count in rows.items():
                result.rows[table] = result.rows.get(table, 0) + count
            advance(1, part.label)


def _partition_files(chunks: list[ParsedChunk], part: load.Partition) -> dict[str, list[str]]:
    folder = f"part={part.label}"
    return {table: [path for chunk in chunks for path in chunk.files.get(table, [])
                    if Path(path).parent.name == folder] for table in STAGING_TABLES}


def _gated(settings: Settings, run_id: str, part: load.Partition, rows: dict[str, int],
           result: BackfillResult) -> tuple[str, ...]:
    """Gate a staged partition (one with rows): the tables whose keys it proved distinct, or
    :class:`GateFailed` once the failure is recorded."""
    if not any(rows.values()):
        return ()
    verdict = gate(settings, run_id, part.end)
    result.checks_run += verdict.checks_run
    result.gate_warnings += verdict.warnings
    if not verdict.passed:
        _fail(settings, run_id, ledger.Outcome(
            "gate_failed", message=verdict.summary[:2000],
            gate_failures=verdict.failures, gate_warnings=verdict.warnings))
        raise GateFailed(f"partition {part.label} ({part.start}..{part.end}) was "
                         f"not merged; earlier partitions were.\n{verdict.summary}")
    return verdict.keys_proved


def _parse(settings: Settings, run_id: str, landing_root: Path, specs: list[RequestSpec],
           work: Path, partition: str) -> list[ParsedChunk]:
    """Parse every body once into Parquet cut by partition; any unusable body stops the run."""
    preload()
    progress.stage_start("parse", f"{len(specs)} bodies by {partition}")
    chunks = runners.fan_out_parse(settings, landing_root, specs, work, partition)
    progress.stage_end("parse", f"{sum(sum(c.rows.values()) for c in chunks):,} rows")
    errors = [error for chunk in chunks for error in chunk.errors]
    if errors:
        _fail(settings, run_id, ledger.Outcome("extraction_failed",
                                               message="; ".join(errors)[:2000]))
        raise ExtractionFailed("\n".join(errors))
    return chunks


def _fail(settings: Settings, run_id: str, outcome: ledger.Outcome) -> None:
    with pipeline.connect_warehouse(settings) as con:
        ledger.finish(con, run_id, outcome)
