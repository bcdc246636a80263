"""Kept published versions: list them, and republish one (``cntech versions``, ``rollback``).

A rollback takes the writer lock like a run, copies the kept ``marts.duckdb`` over the live one
(an atomic rename: readers see the old or the restored file, never a mix), repoints the Parquet
link at the kept set and records itself in the run ledger (``ops.run_log``, source ``rollback``).
The restored file is byte-identical to what the run published, so its ``publish_info`` and
``ops_last_runs`` are those of that run; the rollback itself is in the warehouse's ledger.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from errors import CntechError
from flows.settings import Settings
from warehouse import db, versions
from warehouse.lock import WriterLock
from warehouse.marts import MARTS


class RollbackRefused(CntechError, ValueError):
    """Nothing to roll back to, or the named version is not kept."""


@dataclass(frozen=True)
class PublishedVersion:
    """One kept version as ``cntech versions`` lists it."""

    run_id: str
    as_of_date: date | None
    source: str | None
    published_at: str
    mart_rows: int
    size_bytes: int
    live: bool


@dataclass(frozen=True)
class RollbackResult:
    """What a rollback restored and replaced, and its ledger row."""

    restored: str
    replaced: str | None
    ledger_run_id: str
    path: Path


def list_published(data_dir: Path) -> list[PublishedVersion]:
    """Every kept version, newest first, read from its own Parquet set."""
    live = versions.live_run_id(data_dir)
    found = []
    for version in versions.list_versions(data_dir):
        info = pl.read_parquet(version.parquet / "publish_info.parquet").to_dicts()
        first = info[0] if info else {}
        manifest = pl.read_parquet(version.parquet / "publish_manifest.parquet")
        marts = manifest.filter(pl.col("table_name").is_in(list(MARTS)))["row_count"].sum()
        published = first.get("published_at")
        found.append(PublishedVersion(
            run_id=version.run_id, as_of_date=first.get("as_of_date"),
            source=first.get("source"),
            published_at=published.strftime("%Y-%m-%d %H:%M") if published else "",
            mart_rows=int(marts or 0), size_bytes=version.marts_file.stat().st_size,
            live=version.run_id == live))
    return found


def rollback(
    data_dir: Path, *, to: str | None = None, lock_wait_seconds: float | None = None,
    settings: Settings | None = None,
) -> RollbackResult:
    """Republish kept version ``to`` (default: the one before the live one) under the lock."""
    settings = settings or Settings(data_dir=data_dir)
    wait = settings.lock_wait_seconds if lock_wait_seconds is None else lock_wait_seconds
    with WriterLock(data_dir, wait):
        live = versions.live_run_id(data_dir)
        target = _target(data_dir, to, live)
        restored = versions.restore(data_dir, target)
        ledger_run_id = _record(settings, versions.find_version(data_dir, target), live)
    return RollbackResult(restored=target, replaced=live, ledger_run_id=ledger_run_id,
                          path=restored)


def _target(data_dir: Path, to: str | None, live: str | None) -> str:
    kept = [v.run_id for v in versions.list_versions(data_dir)]
    if to is not None:
        if to not in kept:
            raise RollbackRefused(f"no kept version of run {to!r}; kept: {', '.join(kept)}")
        if to == live:
            raise RollbackRefused(f"{to} is already the live version")
        return to
    older = kept[kept.index(live) + 1:] if live in kept else []
    if not older:
        raise RollbackRefused("no version older than the live one is kept; name one with --to "
                              f"(kept: {', '.join(kept) or 'none'})")
    return older[0]


def _record(settings: Settings, restored: versions.Version, replaced: str | None) -> str:
    """Insert the rollback's row into ``ops.run_log``; returns its run id."""
    from flows.pipeline import connect_warehouse

    now = datetime.now(UTC)
    run_id = f"{now:%Y%m%dT%H%M%S}-rollback-{uuid.uuid4().hex[:4]}"
    info = pl.read_parquet(restored.parquet / "publish_info.parquet")
    as_of = info["as_of_date"][0] if info.height and "as_of_date" in info.columns else None
    message = f"republished the kept version of run {restored.run_id} (replacing {replaced})"
    with connect_warehouse(settings) as con:
        db.run_sql_file(con, "ddl/schemas.sql")
        db.run_sql_file(con, "ddl/ops_run_log.sql")
        con.execute(db.sql_text("ops/record_rollback.sql"),
                    {"run_id": run_id, "at": now, "as_of": as_of, "message": message})
    return run_id
