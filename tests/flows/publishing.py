"""A copy of a published data dir, and the run tables to republish its warehouse under a new id."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows.nightly import RunResult
from warehouse import publish, versions
from warehouse.versions import PARQUET_LINK, PUBLISHED_NAME, VERSIONS_DIR


def copy_data_dir(published: RunResult, target: Path) -> Path:
    """The session run's warehouse and its live version (file, kept copy and Parquet link).

    Other tests may have published into the session's data dir since; only the live version
    is copied, so the copy starts with exactly one.
    """
    assert published.published is not None
    source = published.published.parent
    target.mkdir(parents=True)
    for name in ("warehouse.duckdb", PUBLISHED_NAME):
        shutil.copy2(source / name, target / name)
    live = versions.live_run_id(source)
    assert live is not None
    shutil.copytree(source / VERSIONS_DIR / live, target / VERSIONS_DIR / live)
    os.symlink(os.readlink(source / PARQUET_LINK), target / PARQUET_LINK)
    return target


def extras_from(marts: Path, run_id: str) -> dict[str, pl.DataFrame]:
    """The published run tables of ``marts``, republished as ``run_id``."""
    with duckdb.connect(str(marts), read_only=True) as con:
        frames = {name: con.table(name).pl() for name in publish.EXTRA_TABLES}
    now = datetime.now(UTC)
    info, runs = frames["publish_info"], frames["ops_last_runs"]
    frames["publish_info"] = info.with_columns(
        run_id=pl.lit(run_id), published_at=pl.lit(now).cast(info["published_at"].dtype))
    at = pl.lit(now).cast(runs["started_at"].dtype)
    newest = runs.head(1).with_columns(run_id=pl.lit(run_id), status=pl.lit("published"),
                                       started_at=at, published_at=at)
    frames["ops_last_runs"] = pl.concat([newest, runs])
    return frames

