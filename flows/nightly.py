"""The nightly flow: extract → stage → gate → merge → marts → publish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task

from expectations.gate import run_gate
from flows import pipeline
from flows.catalog import RequestSpec, build_catalog
from flows.settings import Settings
from flows.sources.landing import LandingZone
from warehouse import db, load, marts, publish, seeds
from warehouse.lock import WriterLock


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
    origins: pl.DataFrame | None = None


@task
def prepare(settings: Settings, run_id: str) -> None:
    """Create warehouse tables, reload the reference seeds and open the run's ledger row."""
    with db.connect(pipeline.warehouse_path(settings)) as con:
        db.apply_ddl(con)
        seeds.load_seeds(con)
        pipeline.ledger_start(con, run_id, settings.source)


@task(retries=2, retry_delay_seconds=[2, 5])
def extract_live(settings: Settings, landing_root: Path, specs: list[RequestSpec]) -> list[str]:
    """Fetch and land every request body (already-landed bodies are kept, not refetched)."""
    return pipeline.land_live(settings, LandingZone(landing_root), specs)


@task
def stage(
    settings: Settings, run_id: str, landing_root: Path, specs: list[RequestSpec],
    explicit_as_of: date | None,
) -> tuple[date, pipeline.StageReport]:
    """Parse landed bodies into staging tables; resolve the as-of date and trading sessions."""
    zone = LandingZone(landing_root)
    frames, report = pipeline.parse_landed(zone, specs)
    as_of = explicit_as_of or report.last_date
    if as_of is None:
        raise pipeline.ExtractionError("run", "no index bars were staged; nothing to do")
    frames = pipeline.scheduled_listings_only(frames, as_of)
    if explicit_as_of is not None:
        frames, report.dropped_after_as_of = pipeline.clip_to_as_of(frames, explicit_as_of)
    with db.connect(pipeline.warehouse_path(settings)) as con:
        load.set_run_context(con, run_id=run_id, as_of=as_of, source=settings.source)
        starts: list[date] = [f["trade_date"].min() for f in frames.values()  # type: ignore[misc]
                              if "trade_date" in f.columns and f.height]
        first = min([settings.history_start, *starts])
        seeds.load_sessions(con, first, as_of)
        for table, frame in frames.items():
            report.rows[table] = load.stage(con, table, frame)
    return as_of, report


@task
def gate(settings: Settings, run_id: str, as_of: date) -> tuple[bool, int, str, int]:
    """Run every expectation suite over staging; results land in ``<data-dir>/gate``."""
    with db.connect(pipeline.warehouse_path(settings)) as con:
        result = run_gate(con, run_id=run_id, as_of=as_of,
                          results_dir=settings.resolved_data_dir() / "gate")
    failures = sum(1 for f in result.failures if f.severity == "fail")
    return result.passed, failures, result.summary(), result.checks_run


@task
def merge_and_build(settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    """Upsert staging into core on natural keys, then rebuild the marts."""
    with db.connect(pipeline.warehouse_path(settings)) as con:
        core_rows = load.merge_core(con)
        mart_rows = marts.build_marts(con)
    return core_rows, mart_rows


@task
def publish_marts(settings: Settings, run_id: str, as_of: date, origins: pl.DataFrame,
                  checks_run: int) -> Path:
    """Swap in a new read-only ``marts.duckdb`` (and Parquet copies) atomically."""
    with db.connect(pipeline.warehouse_path(settings)) as con:
        pipeline.ledger_finish(con, run_id, status="published", as_of=as_of, gate_passed=True,
                               gate_failures=0, published=True)
        info = pl.DataFrame({
            "run_id": [run_id], "as_of_date": [as_of], "source": [settings.source],
            "published_at": [datetime.now(UTC)], "gate_checks_run": [checks_run],
        })
        return publish.publish(con, settings.resolved_data_dir(), run_id=run_id, extra_tables={
            "publish_info": info,
            "data_origins": origins,
            "ops_last_runs": pipeline.ledger_frame(con),
        })


def _finish(settings: Settings, run_id: str, **kwargs: object) -> None:
    with db.connect(pipeline.warehouse_path(settings)) as con:
        pipeline.ledger_finish(con, run_id, **kwargs)  # type: ignore[arg-type]


@flow(name="nightly", log_prints=True)
def nightly(
    source: str = "snapshot",
    as_of: date | None = None,
    snapshot: str | None = None,
    data_dir: str | None = None,
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
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logger = get_run_logger()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    data_dir_path = settings.resolved_data_dir()
    with WriterLock(data_dir_path, settings.lock_wait_seconds):
        prepare(settings, run_id)
        if settings.source == "live":
            window_end = settings.as_of or pipeline.default_live_as_of()
        else:
            window_end = settings.as_of or pipeline.snapshot_window_end(settings.snapshot_dir)
        specs = build_catalog(settings.history_start, window_end)
        if settings.source == "live":
            landing_root = data_dir_path / "landing" / run_id
            errors = extract_live(settings, landing_root, specs)
        else:
            landing_root = settings.snapshot_dir.expanduser().resolve()
            errors = []
        as_of_date, report = stage(settings, run_id, landing_root, specs, settings.as_of)
        errors = [*errors, *report.errors]
        origins = pipeline.origins_frame(LandingZone(landing_root), specs)
        if errors:
            _finish(settings, run_id, status="extraction_failed", as_of=as_of_date,
                    rows=report.rows, message="; ".join(errors)[:2000])
            raise ExtractionFailed("\n".join(errors))
        passed, failures, summary, checks_run = gate(settings, run_id, as_of_date)
        if not passed:
            _finish(settings, run_id, status="gate_failed", as_of=as_of_date, rows=report.rows,
                    gate_passed=False, gate_failures=failures, message=summary[:2000])
            raise GateFailed(summary)
        _, mart_rows = merge_and_build(settings)
        published = publish_marts(settings, run_id, as_of_date, origins, checks_run)
        logger.info("published %s for %s", published, as_of_date)
    return RunResult(run_id=run_id, as_of=as_of_date, source=settings.source,
                     published=published, rows=report.rows, mart_rows=mart_rows,
                     gate_summary=summary, origins=origins)
