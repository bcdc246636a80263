"""Check queries run into the pandas frames Great Expectations validates.

The gate spends its time in two places that can overlap: DuckDB running a check query (which
releases the GIL) and Great Expectations judging the previous query's frame (pure Python).
``frames_ahead`` runs the next query on a worker thread while the current frame is judged.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import duckdb
import pandas as pd

from expectations.checks import Check, read_sql

# A frame this large is judged alone: the next query waits, so no two full-market frames
# (hundreds of MB each) are held at once.
AHEAD_BELOW_ROWS = 100_000


def check_frame(con: duckdb.DuckDBPyConnection, check: Check) -> pd.DataFrame:
    """The check query's result as the pandas frame GX validates.

    It travels through Arrow, which converts a full-market partition about twice as fast as
    DuckDB's own ``df()``. Dates arrive as nanosecond datetimes: GX compares those vectorised,
    and every other date type value by value in Python.
    """
    table = con.sql(read_sql(check.sql), params=check.params or None).to_arrow_table()
    # Each column's Arrow buffers are freed as it is converted: the frame is never held twice.
    frame = table.to_pandas(date_as_object=False, split_blocks=True, self_destruct=True)
    for column in frame.select_dtypes(include=["datetime64[us]", "datetime64[ms]",
                                               "datetime64[s]"]).columns:
        try:
            frame[column] = frame[column].astype("datetime64[ns]")
        except pd.errors.OutOfBoundsDatetime:
            # A date past 2262 (a typo'd year) fits no nanosecond; GX compares it value by
            # value, and no_future_date names it.
            continue
    if check.series_key is not None:
        frame = frame.rename(columns={"series": check.series_key})
    return frame


def frames_ahead(con: duckdb.DuckDBPyConnection,
                 checks: Sequence[Check]) -> Generator[tuple[Check, pd.DataFrame], None, None]:
    """Each check with its frame, in order, the next query running while the caller judges.

    Only the worker thread touches ``con`` until the iterator is exhausted or closed (closing
    waits for a query in flight), so the caller must close it before dropping the views the
    queries read. A query's error is raised where its frame would have been yielded.
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate-frames")
    pending: Future[pd.DataFrame] | None = None
    try:
        for position, check in enumerate(checks):
            frame = pending.result() if pending is not None else check_frame(con, check)
            pending = None
            following = checks[position + 1] if position + 1 < len(checks) else None
            if following is not None and len(frame) < AHEAD_BELOW_ROWS:
                pending = pool.submit(check_frame, con, following)
            yield check, frame
            if following is not None and pending is None:
                pending = pool.submit(check_frame, con, following)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
