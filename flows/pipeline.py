"""The steps the nightly flow orchestrates, as plain functions over paths and table names."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from flows.settings import Settings
from flows.sources import registry
from flows.sources.errors import ExtractionError
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from flows.sources.window import request_window
from registry import DATASETS, STAGING_TABLES, by_name
from transforms.dispatch import Landed, parse_many
from transforms.errors import NotPublished, PayloadError
from transforms.schemas import empty
from warehouse import db

WAREHOUSE_NAME = "warehouse.duckdb"
# Bodies of one endpoint are parsed together up to this many bytes: big enough that per-batch
# costs vanish, small enough that a chunk of ten-year bodies never sits in memory at once.
BATCH_BYTES = 64 * 2**20


@dataclass
class StageReport:
    """What staging produced: rows per table, bodies that failed, the data's last date."""

    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    last_date: date | None = None
    dropped_after_as_of: int = 0
    # What the run should say without failing: days not yet published, placeholder bars dropped.
    notes: list[str] = field(default_factory=list)
    # (staging table, request) of every answer saying its day is not yet published.
    not_published: list[tuple[str, str]] = field(default_factory=list)


def warehouse_path(settings: Settings) -> Path:
    """The writer's DuckDB file (staging, core, ops); never opened by readers."""
    return settings.resolved_data_dir() / WAREHOUSE_NAME


def connect_warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The writer's connection, its buffer pool capped at ``duckdb_memory_limit`` when set."""
    con = db.connect(warehouse_path(settings))
    if settings.duckdb_memory_limit:
        con.execute("SET memory_limit = ?", [settings.duckdb_memory_limit])
    return con


def parse_landed(
    zone: LandingZone, specs: Iterable[RequestSpec]
) -> tuple[dict[str, pl.DataFrame], StageReport]:
    """Parse every landed body into per-table frames; a bad body is reported, never staged.

    Bodies are parsed in batches of one endpoint (see ``BATCH_BYTES``); errors are reported in
    the order of ``specs``.
    """
    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in STAGING_TABLES}
    report = StageReport()
    failed: list[tuple[int, str]] = []
    pending: dict[str, list[tuple[int, RequestSpec, bytes]]] = {}
    pending_bytes: dict[str, int] = {}

    def flush(endpoint: str) -> None:
        landed, _ = pending.pop(endpoint), pending_bytes.pop(endpoint)
        table, frame, errors = _parse(endpoint, [(body, spec.subject, spec.provider_code)
                                                 for _, spec, body in landed])
        for item, exc in errors.items():
            kept = f"{exc} (body kept at {zone.body_path(landed[item][1])})"
            if isinstance(exc, NotPublished):
                report.notes.append(kept)
                report.not_published.append((table, request_label(landed[item][1])))
            else:
                failed.append((landed[item][0], kept))
        if frame.height:
            paths = pl.Series([spec.path for _, spec, _ in landed], dtype=pl.String)
            parts[table].append(frame.with_columns(
                source_file=paths.gather(frame["item"])).drop("item"))

    for position, spec in enumerate(specs):
        try:
            body = zone.read(spec)
        except ExtractionError as exc:
            failed.append((position, str(exc)))
            continue
        pending.setdefault(spec.endpoint, []).append((position, spec, body))
        pending_bytes[spec.endpoint] = pending_bytes.get(spec.endpoint, 0) + len(body)
        if pending_bytes[spec.endpoint] >= BATCH_BYTES:
            flush(spec.endpoint)
    for endpoint in list(pending):
        flush(endpoint)
    report.errors = [message for _, message in sorted(failed)]
    frames: dict[str, pl.DataFrame] = {}
    for table, pieces in parts.items():
        frames[table] = pl.concat(pieces, how="vertical") if pieces else empty(by_name(table))
    bars = frames["index_bars"]
    if bars.height:
        report.last_date = bars["trade_date"].max()  # type: ignore[assignment]
    return frames, report


def _parse(endpoint: str, landed: list[Landed]) -> tuple[str, pl.DataFrame,
                                                        dict[int, PayloadError | NotPublished]]:
    """The staging table of ``endpoint``, its rows in ``landed`` and each bad body's error."""
    parsing = registry.endpoint(endpoint)
    frame, errors = parse_many(parsing, endpoint, landed)
    return parsing.table, frame, errors


def request_label(spec: RequestSpec) -> str:
    """A request as a person names it: its key, and its day for a request per day."""
    return f"{spec.key} {spec.provider_code}" if spec.per_day else spec.key


def scheduled_listings_only(frames: dict[str, pl.DataFrame], as_of: date) -> dict[str,
                                                                                 pl.DataFrame]:
    """The yearly IPO reports also list scheduled listings; a debut exists once it happened."""
    return {**frames, "ipo_listings": frames["ipo_listings"].filter(
        pl.col("listing_date") <= as_of)}


def clip_to_as_of(frames: dict[str, pl.DataFrame], as_of: date) -> tuple[dict[str, pl.DataFrame],
                                                                          int]:
    """Point-in-time replay: drop rows dated after an explicitly requested as-of date."""
    dropped = 0
    clipped = dict(frames)
    for dataset in DATASETS:
        table = dataset.name
        before = clipped[table].height
        clipped[table] = clipped[table].filter(pl.col(dataset.date) <= as_of)
        dropped += before - clipped[table].height
    return clipped, dropped


def origins_frame(zone: LandingZone, specs: Iterable[RequestSpec]) -> pl.DataFrame:
    """Provenance of every body this run read: which series are real, rebuilt or generated.

    ``origin_ranges`` (JSON) holds the manifest's date ranges of a body whose rows differ in
    origin by date; ``warehouse.provenance`` keeps them per series across runs.
    """
    rows = []
    for spec in specs:
        meta = zone.meta(spec)
        ranges = meta.get("origin_ranges")
        rows.append({
            "source_file": spec.path, "provider": spec.provider, "dataset": spec.endpoint,
            "subject": spec.subject, "origin": meta.get("origin", "unknown"),
            "origin_detail": meta.get("origin_detail", ""),
            "repairs": json.dumps(meta.get("repairs", []), ensure_ascii=False),
            "origin_ranges": json.dumps(ranges) if ranges else None,
        })
    return pl.DataFrame(rows, schema={
        "source_file": pl.String, "provider": pl.String, "dataset": pl.String,
        "subject": pl.String, "origin": pl.String, "origin_detail": pl.String,
        "repairs": pl.String, "origin_ranges": pl.String,
    })


def snapshot_window_end(root: Path) -> date:
    """The last date a landing zone was requested for, from its manifests."""
    window = request_window(root)
    if window is None:
        raise ExtractionError(str(root), "not a landing zone: no manifest with a request window")
    return window[1]


def default_live_as_of() -> date:
    """Today in Shanghai: the nightly run closes the Asian day after the US session."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()
