"""Provenance kept with the data: ``ops.data_origins`` says, per series and date range, whether
the rows the core tables hold are recorded, reconstructed or synthetic.

A series is an endpoint's subject, as the manifests of the landed bodies name them; the dataset
an endpoint feeds is the provider registry's to say, so it is joined in when publishing.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import polars as pl

from warehouse import series
from warehouse.db import run_sql_file, sql_text, temporary_views


def merge_origins(con: duckdb.DuckDBPyConnection, run_origins: pl.DataFrame) -> int:
    """Fold the manifests of the bodies this run staged into ``ops.data_origins``.

    Call after the run's staging rows are merged into core (and before the next run restages):
    a body's range is the span of its staged rows, or the ranges its manifest declares within
    that span. Returns the number of ranges now stored.
    """
    views = {"run_origins": run_origins.to_arrow(), "staged_file_spans": series.file_spans()}
    with temporary_views(con, views):
        con.execute("BEGIN TRANSACTION")
        try:
            run_sql_file(con, "ops/data_origins_next.sql")
            run_sql_file(con, "ops/data_origins_replace.sql")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    [(count,)] = con.execute("SELECT count(*) FROM ops.data_origins").fetchall()
    return int(count)


def published_origins(con: duckdb.DuckDBPyConnection,
                      endpoint_datasets: Mapping[str, str]) -> pl.DataFrame:
    """``data_origins`` for the published file, read from the warehouse, each range with the
    dataset (staging table) its endpoint feeds (``endpoint_datasets``: endpoint → dataset)."""
    datasets = pl.DataFrame({"endpoint": list(endpoint_datasets),
                             "dataset": list(endpoint_datasets.values())},
                            schema={"endpoint": pl.String, "dataset": pl.String})
    con.register("endpoint_datasets", datasets.to_arrow())
    try:
        return con.sql(sql_text("ops/data_origins_published.sql")).pl()
    finally:
        con.unregister("endpoint_datasets")
