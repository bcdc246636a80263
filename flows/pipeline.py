"""The steps the nightly flow orchestrates, as plain functions over paths and table names."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from flows.catalog import RequestSpec
from flows.settings import Settings
from flows.sources.errors import ExtractionError
from flows.sources.http import HttpClient
from flows.sources.landing import LandingZone
from transforms.dispatch import parse
from transforms.errors import PayloadError
from transforms.schemas import STAGING_SCHEMAS, empty
from warehouse.db import STAGING_TABLES

WAREHOUSE_NAME = "warehouse.duckdb"
DATED_COLUMNS = {
    "index_bars": "trade_date", "security_bars": "trade_date", "fx_rates": "trade_date",
    "valuation": "trade_date", "eps_forecast": "report_date", "margin": "trade_date",
}


@dataclass
class StageReport:
    """What staging produced: rows per table, bodies that failed, the data's last date."""

    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    last_date: date | None = None
    dropped_after_as_of: int = 0


def warehouse_path(settings: Settings) -> Path:
    """The writer's DuckDB file (staging, core, ops); never opened by readers."""
    return settings.resolved_data_dir() / WAREHOUSE_NAME


def land_live(settings: Settings, zone: LandingZone, specs: list[RequestSpec]) -> list[str]:
    """Fetch every spec not yet landed, with bounded concurrency; returns error messages."""
    client = HttpClient(settings)
    pending = [s for s in specs if not zone.body_path(s).exists()]

    def one(spec: RequestSpec) -> str | None:
        try:
            fetched = client.fetch(spec)
        except ExtractionError as exc:
            return str(exc)
        zone.land(spec, fetched.body, {
            "request": {"url": fetched.url, "params": spec.params},
            "http_status": fetched.status, "headers": fetched.headers,
            "attempts": fetched.attempts, "recorded_at": fetched.fetched_at,
            "origin": "recorded", "origin_detail": "fetched live by cntech", "repairs": [],
        })
        return None

    try:
        with ThreadPoolExecutor(max_workers=settings.max_concurrency) as pool:
            results = list(pool.map(one, pending))
    finally:
        client.close()
    return [r for r in results if r]


def parse_landed(
    zone: LandingZone, specs: Iterable[RequestSpec]
) -> tuple[dict[str, pl.DataFrame], StageReport]:
    """Parse every landed body into per-table frames; a bad body is reported, never staged."""
    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in STAGING_TABLES}
    report = StageReport()
    for spec in specs:
        try:
            body = zone.read(spec)
            table, frame = parse(spec.dataset, body, spec.subject, spec.code)
        except ExtractionError as exc:
            report.errors.append(str(exc))
            continue
        except PayloadError as exc:
            report.errors.append(f"{exc} (body kept at {zone.body_path(spec)})")
            continue
        parts[table].append(frame.with_columns(pl.lit(spec.path).alias("source_file")))
    frames: dict[str, pl.DataFrame] = {}
    for table, pieces in parts.items():
        schema = pl.Schema({**STAGING_SCHEMAS[table], "source_file": pl.String()})
        frames[table] = pl.concat(pieces, how="vertical") if pieces else empty(schema)
    bars = frames["index_bars"]
    if bars.height:
        report.last_date = bars["trade_date"].max()  # type: ignore[assignment]
    return frames, report


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
    for table, column in DATED_COLUMNS.items():
        before = clipped[table].height
        clipped[table] = clipped[table].filter(pl.col(column) <= as_of)
        dropped += before - clipped[table].height
    return clipped, dropped


def origins_frame(zone: LandingZone, specs: Iterable[RequestSpec]) -> pl.DataFrame:
    """Provenance of every body this run read: which series are real, rebuilt or generated."""
    rows = []
    for spec in specs:
        meta = zone.meta(spec)
        rows.append({
            "source_file": spec.path, "provider": spec.provider, "dataset": spec.dataset,
            "subject": spec.subject, "origin": meta.get("origin", "unknown"),
            "origin_detail": meta.get("origin_detail", ""),
            "repairs": json.dumps(meta.get("repairs", []), ensure_ascii=False),
        })
    return pl.DataFrame(rows, schema={
        "source_file": pl.String, "provider": pl.String, "dataset": pl.String,
        "subject": pl.String, "origin": pl.String, "origin_detail": pl.String,
        "repairs": pl.String,
    })


def snapshot_window_end(root: Path) -> date:
    """The last date a landing zone was requested for, from its manifests."""
    manifest = root / "manifest.json"
    if manifest.is_file():
        doc = json.loads(manifest.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and isinstance(doc.get("window"), dict):
            return date.fromisoformat(doc["window"]["end"])
    ends = []
    for meta_path in root.rglob("*.meta.json"):
        params = json.loads(meta_path.read_text(encoding="utf-8")).get("request", {}).get(
            "params", {})
        if "end" in params:
            ends.append(datetime.strptime(params["end"], "%Y%m%d").date())
    if not ends:
        raise ExtractionError(str(root), "not a landing zone: no manifest with a request window")
    return max(ends)


def default_live_as_of() -> date:
    """Today in Shanghai: the nightly run closes the Asian day after the US session."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def ledger_start(con: duckdb.DuckDBPyConnection, run_id: str, source: str) -> None:
    """Open the run's row in ``ops.run_log``."""
    con.execute(
        "INSERT INTO ops.run_log (run_id, started_at, source, status) VALUES (?, now(), ?, ?)",
        [run_id, source, "running"],
    )


def ledger_finish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    status: str,
    as_of: date | None = None,
    rows: dict[str, int] | None = None,
    gate_passed: bool | None = None,
    gate_failures: int | None = None,
    published: bool = False,
    message: str | None = None,
) -> None:
    """Close the run's row with its outcome."""
    con.execute(
        """
        UPDATE ops.run_log SET
            finished_at = now(), status = ?, as_of_date = coalesce(?, as_of_date),
            row_counts = coalesce(?, row_counts), gate_passed = coalesce(?, gate_passed),
            gate_failures = coalesce(?, gate_failures),
            published_at = CASE WHEN ? THEN now() ELSE published_at END,
            message = coalesce(?, message)
        WHERE run_id = ?
        """,
        [status, as_of, json.dumps(rows) if rows is not None else None, gate_passed,
         gate_failures, published, message, run_id],
    )


def ledger_frame(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pl.DataFrame:
    """The most recent runs, for ``ops_last_runs`` in the published file."""
    return con.sql(
        "SELECT run_id, started_at, finished_at, as_of_date, source, status, "
        "CAST(row_counts AS VARCHAR) AS row_counts, gate_passed, gate_failures, published_at, "
        "message FROM ops.run_log ORDER BY started_at DESC LIMIT ?", params=[limit],
    ).pl()


def details(obj: Any) -> str:
    """Compact JSON for log lines."""
    return json.dumps(obj, default=str, sort_keys=True)
