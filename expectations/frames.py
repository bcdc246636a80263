"""Check queries run into Arrow results, and results into the pandas frames Great Expectations
validates.

The gate spends its time in two places that can overlap: DuckDB running a check query (which
releases the GIL) and Great Expectations judging the previous query's result (pure Python).
``frames_ahead`` runs the next query on a worker thread while the current result is judged.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from expectations.checks import Check, read_sql

# Rows DuckDB hands over at a time when a result may be spilled.
BATCH_ROWS = 100_000
# A frame this large is judged alone: the next query waits, so no two full-market frames
# (hundreds of MB each) are held at once.
AHEAD_BELOW_ROWS = 100_000


def check_table(con: duckdb.DuckDBPyConnection, check: Check) -> pa.Table:
    """The check query's result in Arrow, which converts a full-market partition to pandas
    about twice as fast as DuckDB's own ``df()``."""
    return _query(con, check).to_arrow_table()


def check_result(con: duckdb.DuckDBPyConnection, check: Check, spill_from_rows: int,
                 directory: Path) -> pa.Table | Path:
    """The check query's result, or, once it reaches ``spill_from_rows`` rows, an Arrow IPC
    file in ``directory`` holding it (``spilled_table`` reads it back).

    The result streams from DuckDB in batches, so a spilled result is never held here whole:
    a process that hands large results to another one to judge never pays their memory.
    """
    reader = _query(con, check).to_arrow_reader(BATCH_ROWS)
    batches: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        batches.append(batch)
        rows += batch.num_rows
        if rows >= spill_from_rows:
            path = directory / f"{check.suite}-{uuid.uuid4().hex}.arrow"
            with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, reader.schema) as out:
                for held in batches:
                    out.write_batch(held)
                batches.clear()
                for batch in reader:
                    out.write_batch(batch)
            return path
    return pa.Table.from_batches(batches, schema=reader.schema)


def spill_directory(con: duckdb.DuckDBPyConnection) -> tempfile.TemporaryDirectory[str]:
    """A folder for spilled results beside the warehouse, on the disk sized for it; the
    system's for a warehouse in memory or in a folder this process cannot write to."""
    [(path,)] = con.execute(read_sql("database_path.sql")).fetchall()
    if path:
        try:
            return tempfile.TemporaryDirectory(prefix=".gate-frames-", dir=Path(path).parent)
        except OSError:
            pass
    return tempfile.TemporaryDirectory(prefix="cntech-gate-frames-")


def spilled_table(path: Path) -> pa.Table:
    """The result ``check_result`` spilled to ``path``.

    The file is mapped, not read: only the pages a screen or a frame touches are read, and
    nothing is copied in between (a year's bar rows reached pandas in 0.1 s against 0.4-1.1 s
    read into memory, 76 MB less at the peak).
    """
    with pa.memory_map(str(path)) as source:
        return pa.ipc.open_file(source).read_all()


def keyed_table(table: pa.Table, check: Check) -> pa.Table:
    """The result with a shared query's generic ``series`` column named for the check's key."""
    if check.series_key is None or "series" not in table.column_names:
        return table
    return table.rename_columns([check.series_key if name == "series" else name
                                 for name in table.column_names])


def arrow_frame(table: pa.Table, check: Check) -> pd.DataFrame:
    """A check query's Arrow result as the pandas frame GX validates.

    Dates arrive as nanosecond datetimes: GX compares those vectorised, and every other date
    type value by value in Python.
    """
    # Each column's Arrow buffers are freed as it is converted: the frame is never held twice.
    frame = keyed_table(table, check).to_pandas(date_as_object=False, split_blocks=True,
                                                self_destruct=True)
    for column in frame.select_dtypes(include=["datetime64[us]", "datetime64[ms]",
                                               "datetime64[s]"]).columns:
        try:
            frame[column] = frame[column].astype("datetime64[ns]")
        except pd.errors.OutOfBoundsDatetime:
            # A date past 2262 (a typo'd year) fits no nanosecond; GX compares it value by
            # value, and no_future_date names it.
            continue
    return frame


def key_order(frame: pd.DataFrame, check: Check) -> pd.Index:
    """The frame's row labels in the order of the check's keys, missing keys last.

    Check queries return their rows in no particular order (sorting a year of the market's rows
    cost a full-market query a quarter to a third of its time), so a broken rule's samples,
    its first few unexpected rows, are read from the rows in this order: the same rows on
    every run.
    """
    keys = [key for key in check.keys if key in frame.columns]
    if not keys:
        return frame.index
    return frame[keys].sort_values(keys, kind="stable", na_position="last").index


def _query(con: duckdb.DuckDBPyConnection, check: Check) -> duckdb.DuckDBPyRelation:
    return con.sql(read_sql(check.sql), params=check.params or None)


def frames_ahead(con: duckdb.DuckDBPyConnection,
                 checks: Sequence[Check]) -> Generator[tuple[Check, pa.Table], None, None]:
    """Each check with its query's result, in order, the next query running while the caller
    judges.

    Only the worker thread touches ``con`` until the iterator is exhausted or closed (closing
    waits for a query in flight), so the caller must close it before dropping the views the
    queries read. A query's error is raised where its result would have been yielded.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate-frames")
    pending: Future[pa.Table] | None = None
    try:
        for position, check in enumerate(checks):
            table = pending.result() if pending is not None else check_table(con, check)
            pending = None
            following = checks[position + 1] if position + 1 < len(checks) else None
            if following is not None and len(table) < AHEAD_BELOW_ROWS:
                pending = pool.submit(check_table, con, following)
            yield check, table
            if following is not None and pending is None:
                pending = pool.submit(check_table, con, following)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
