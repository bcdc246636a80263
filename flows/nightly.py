"""The nightly flow: extract → stage → gate → merge → marts → publish."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from logging import Logger, LoggerAdapter
from pathlib import Path
from typing import Any, NoReturn

import polars as pl
from prefect import flow, get_run_logger

from expectations.gate import preload
from flows import pipeline, progress, runners
from flows.catalog import build_catalog, check_seeds, replayable
from flows.debuts import follow_debuts
from flows.settings import Settings, settings_from
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from flows.tasks import (
    ExtractionFailed,
    GateFailed,
    GateVerdict,
    Staged,
    StageReport,
    extract_live,
    finish,
    gate,
    ledger_guard,
    merge_and_build,
    prepare,
    publish_marts,
    stage,
)
from warehouse import holdback, ledger, mart_states
from warehouse.lock import WriterLock, confined
from warehouse.mart_states import MartState

__all__ = ["ExtractionFailed", "GateFailed", "RunResult", "nightly"]

Log = Logger | LoggerAdapter[Any]


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
    held_back: list[MartState] = field(default_factory=list)


@dataclass
class Landed:
    """What the extract stage left to parse: the zone, its requests and the failed ones.

    ``failed`` holds the staging table and label of each request left without a body.
    """

    root: Path
    specs: list[RequestSpec]
    errors: list[str]
    window_end: date
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Gated:
    """The gate's verdict and the marts a late or failed feed holds back at their last version."""

    verdict: GateVerdict
    held_back: list[MartState]


@dataclass(frozen=True)
class Published:
    """The published marts file and the rows of each rebuilt mart."""

    path: Path
    mart_rows: dict[str, int]


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
    settings = settings_from(source=source, as_of=as_of, snapshot_dir=snapshot, data_dir=data_dir,
                         lock_wait_seconds=lock_wait_seconds, task_runner=task_runner,
                         dask_address=dask_address)
    check_seeds(settings.seeds_dir)
    logger = get_run_logger()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    progress.begin_run("nightly")
    with (WriterLock(settings.resolved_data_dir(), settings.lock_wait_seconds) as lock,
          ledger_guard(settings, run_id)):
        if lock.stale_holder:
            logger.warning("took over the writer lock left by a run that died (%s)",
                           lock.stale_holder)
        prepare(settings, run_id)
        landed = _extract(settings, run_id, logger)
        staged = _parse_and_stage(settings, run_id, landed)
        origins = pipeline.origins_frame(LandingZone(landed.root), landed.specs)
        gated = _gate(settings, run_id, staged, landed)
        published = _merge_and_publish(settings, run_id, staged.as_of, gated, origins)
        logger.info("published %s for %s", published.path, staged.as_of)
    return RunResult(run_id=run_id, as_of=staged.as_of, source=settings.source,
                     published=published.path, rows=staged.report.rows,
                     mart_rows=published.mart_rows, gate_summary=gated.verdict.summary,
                     origins=origins, gate_warnings=gated.verdict.warnings,
                     notes=staged.report.notes, held_back=gated.held_back)


def _extract(settings: Settings, run_id: str, logger: Log) -> Landed:
    """Land every request (live) or find it in the landing zone (replay); follow new debuts."""
    live = settings.source == "live"
    window_end = settings.as_of or (pipeline.default_live_as_of() if live
                                    else pipeline.snapshot_window_end(settings.snapshot_dir))
    specs = build_catalog(settings.history_start, window_end, seeds_dir=settings.seeds_dir)
    requested = len(specs)
    progress.stage_start("extract", f"{requested} requests, {settings.source}")
    errors: list[str] = []
    failed: list[tuple[str, str]] = []
    if live:
        root = confined(settings.resolved_data_dir(), "landing", run_id)
        unlanded = extract_live(settings, root, window_end)
        errors, failed = unlanded.errors, unlanded.failed
        # A request that failed to land is already in ``errors``: parsing it would report it a
        # second time.
        specs = [spec for spec in specs if LandingZone(root).complete(spec)]
    else:
        root = settings.snapshot_dir.expanduser().resolve()
        specs = replayable(specs, root)
    progress.stage_end("extract", f"{len(specs)}/{requested} requests landed")
    followed = follow_debuts(settings, root, specs, window_end)
    specs = followed.specs
    for message in followed.unfollowed:
        logger.warning("IPO debut not followed: %s", message)
    if not live and settings.adopt_unmanifested:
        for path in LandingZone(root).adopt(specs):
            logger.warning("adopted %s: landed without a manifest", path)
    return Landed(root, specs, errors, window_end, failed)


def _parse_and_stage(settings: Settings, run_id: str,
                     landed: Landed) -> Staged:
    """Parse the landed bodies (fanned out over the task runner) and load them into staging."""
    parsed_dir = confined(settings.resolved_data_dir(), "parsed", run_id)
    try:
        # The gate's imports load while the parse workers run; they would wait for it.
        preload()
        progress.stage_start("parse", f"{len(landed.specs)} bodies")
        parsed = runners.fan_out_parse(settings, landed.root, landed.specs, parsed_dir)
        progress.stage_end("parse", f"{sum(sum(c.rows.values()) for c in parsed):,} rows")
        progress.stage_start("stage")
        staged = stage(settings, run_id, parsed, settings.as_of, landed.window_end)
        progress.stage_end("stage", f"{sum(staged.report.rows.values()):,} rows as of "
                           f"{staged.as_of}")
    finally:
        shutil.rmtree(parsed_dir, ignore_errors=True)
    return staged


def _gate(settings: Settings, run_id: str, staged: Staged, landed: Landed) -> Gated:
    """Stop on a broken contract or bad data; hold back the marts a late or failed feed feeds.

    Which failures are late rather than bad is :mod:`warehouse.holdback`'s rule. Without a
    published version to keep, nothing can be held back: the run fails as it always did.
    """
    as_of, report = staged.as_of, staged.report
    previous = mart_states.published_states(settings.resolved_data_dir())
    if report.errors or (landed.errors and not previous):
        _extraction_failed(settings, run_id, as_of, report, landed.errors)
    progress.stage_start("gate")
    verdict = gate(settings, run_id, as_of)
    progress.stage_end("gate", progress.gate_verdict(verdict.summary, verdict.checks_run))
    plan = holdback.plan(holdback.Late.of(landed.failed, report.not_published),
                         verdict.blocking, previous)
    if not plan.bad and holdback.unheld(plan, previous) and landed.errors:
        _extraction_failed(settings, run_id, as_of, report, landed.errors)
    if plan.bad or holdback.unheld(plan, previous):
        finish(settings, run_id, ledger.Outcome(
            "gate_failed", as_of=as_of, rows=report.rows, gate_passed=False,
            gate_failures=verdict.failures, message=verdict.summary[:2000],
            gate_warnings=verdict.warnings))
        raise GateFailed("\n".join([verdict.summary, *(f"  not landed: {e}"
                                                       for e in landed.errors)]))
    report.notes.extend(f"not landed, provider failed after retries: {e}" for e in landed.errors)
    report.notes.extend(f"late: {table}: {why}" for table, why in plan.late_datasets.items())
    return Gated(verdict, plan.held_back)


def _extraction_failed(settings: Settings, run_id: str, as_of: date,
                       report: StageReport, landing_errors: list[str]) -> NoReturn:
    errors = [*landing_errors, *report.errors]
    finish(settings, run_id, ledger.Outcome(
        "extraction_failed", as_of=as_of, rows=report.rows, message="; ".join(errors)[:2000]))
    raise ExtractionFailed("\n".join(errors))


def _merge_and_publish(settings: Settings, run_id: str, as_of: date, gated: Gated,
                       origins: pl.DataFrame) -> Published:
    """Merge staging into core, rebuild the marts and swap in the new published version.

    The rows of a late dataset that did arrive passed every other rule: they are merged, and
    its marts catch up from core the next night it is on time.
    """
    progress.stage_start("merge")
    merged = merge_and_build(settings, origins)
    progress.stage_end("merge", f"{sum(merged.core_rows.values()):,} core rows, "
                       f"{sum(merged.mart_rows.values()):,} mart rows")
    progress.stage_start("publish")
    published = publish_marts(settings, run_id, as_of, gated.verdict, gated.held_back)
    progress.stage_end("publish", str(published))
    return Published(published, merged.mart_rows)
