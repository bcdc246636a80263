"""The parse stage: landed bodies to Parquet files per staging table, and those files back.

Each chunk of bodies is parsed where the task runner puts it (a thread, a process, a Dask
worker) and written next to the warehouse; only paths travel back to the flow, which reads the
files it is handed into one frame per staging table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from flows.pipeline import StageReport, parse_landed
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from registry import DATASETS, by_name
from transforms.schemas import empty
from warehouse.files import atomic_path

PARTITION_FORMATS = {"month": "%Y-%m", "year": "%Y"}


@dataclass(frozen=True)
class ParsedChunk:
    """What parsing one chunk of bodies wrote: Parquet files per staging table, and failures."""

    files: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    last_date: date | None = None
    notes: list[str] = field(default_factory=list)
    not_published: list[tuple[str, str]] = field(default_factory=list)


def parse_to_parquet(
    landing_root: Path, specs: Iterable[RequestSpec], out_dir: Path, name: str,
    grain: str | None = None,
) -> ParsedChunk:
    """Parse bodies into ``out_dir/<table>/<name>.parquet``; memory is bounded by the chunk.

    With ``grain`` (``month`` or ``year``) each table is cut by its date column into Hive-style
    ``<table>/part=<label>/<name>.parquet`` files, so a backfill stages one partition at a time.
    Rows without a date cannot belong to any partition and are dropped, as a replay's as-of
    filter drops them.
    """
    frames, report = parse_landed(LandingZone(landing_root), specs)
    files: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    for table, frame in frames.items():
        if not frame.height:
            continue
        rows[table] = frame.height
        if grain is None:
            files[table] = [_write_parquet(frame, out_dir / table / f"{name}.parquet")]
            continue
        column = by_name(table).date
        labelled = frame.filter(pl.col(column).is_not_null()).with_columns(
            pl.col(column).dt.strftime(PARTITION_FORMATS[grain]).alias("part"))
        files[table] = [
            _write_parquet(group.drop("part"),
                           out_dir / table / f"part={label}" / f"{name}.parquet")
            for (label,), group in labelled.group_by("part", maintain_order=True)
        ]
    return ParsedChunk(files, rows, report.errors, report.last_date, report.notes,
                       report.not_published)


def _write_parquet(frame: pl.DataFrame, path: Path) -> str:
    with atomic_path(path) as temp:
        frame.write_parquet(temp)
    return str(path)


def read_parsed(chunks: Iterable[ParsedChunk]) -> tuple[dict[str, pl.DataFrame], StageReport]:
    """Per-table frames and the stage report of parsed chunks (a nightly's new data only)."""
    chunks = list(chunks)
    report = StageReport(errors=[e for c in chunks for e in c.errors],
                         notes=[n for c in chunks for n in c.notes],
                         not_published=[late for c in chunks for late in c.not_published])
    dates = [c.last_date for c in chunks if c.last_date is not None]
    report.last_date = max(dates) if dates else None
    frames = {}
    for dataset in DATASETS:
        paths = [path for chunk in chunks for path in chunk.files.get(dataset.name, [])]
        frames[dataset.name] = (pl.read_parquet(paths, schema=dataset.staging_schema) if paths
                                else empty(dataset))
    return frames, report
