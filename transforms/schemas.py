"""Conforming parsed frames to the staging schemas the dataset registry declares."""

from __future__ import annotations

import polars as pl

from registry import Dataset


def empty(dataset: Dataset) -> pl.DataFrame:
    """An empty staged frame of ``dataset`` (its schema plus ``source_file``)."""
    return pl.DataFrame(schema=dataset.staging_schema)


def conform(frame: pl.DataFrame, target: Dataset | pl.Schema) -> pl.DataFrame:
    """Select and cast exactly the dataset's (or schema's) columns, in order."""
    schema = target.schema if isinstance(target, Dataset) else target
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def with_item(dataset: Dataset) -> pl.Schema:
    """A batch parser's frame: the dataset's schema after the body's position in the batch."""
    return pl.Schema([("item", pl.UInt32()), *dataset.schema.items()])
