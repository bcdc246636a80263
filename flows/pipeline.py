"""The steps the nightly flow orchestrates, as plain functions over paths and table names."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl

from flows.settings import Settings
from flows.sources.errors import ExtractionError
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from flows.sources.window import request_window
from registry import DATASETS
from warehouse import db, export
from warehouse.lock import confined

WAREHOUSE_NAME = "warehouse.duckdb"


def warehouse_path(settings: Settings) -> Path:
    """The writer's DuckDB file (staging, core, ops); never opened by readers."""
    return settings.resolved_data_dir() / WAREHOUSE_NAME


def connect_warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The writer's connection, its buffer pool capped at ``duckdb_memory_limit`` when set
    (``warehouse.db.cap_memory``, which also hands large frees back to the system at once)."""
    con = db.connect(warehouse_path(settings))
    if settings.duckdb_memory_limit:
        db.cap_memory(con, settings.duckdb_memory_limit)
    return con


def export_core(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Write the core months ``ops.export_pending`` holds under ``<data-dir>/core/``."""
    return export.export_pending(con, confined(settings.resolved_data_dir(), "core"))


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
            "source_file": spec.path, "provider": spec.provider, "endpoint": spec.endpoint,
            "subject": spec.subject, "origin": meta.get("origin", "unknown"),
            "origin_detail": meta.get("origin_detail", ""),
            "repairs": json.dumps(meta.get("repairs", []), ensure_ascii=False),
            "origin_ranges": json.dumps(ranges) if ranges else None,
        })
    return pl.DataFrame(rows, schema={
        "source_file": pl.String, "provider": pl.String, "endpoint": pl.String,
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
