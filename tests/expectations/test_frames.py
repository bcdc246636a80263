"""Check results and frames: their types, spills, and the next query running while the caller
judges a result."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from expectations import frames
from expectations.checks import Check
from tests.expectations.judging import gate_views

MARGIN_FRESHNESS = Check("margin", "margin.freshness", "series_freshness.sql",
                         {"dataset": "margin", "as_of": date(2026, 1, 30), "lag_sessions": 1},
                         ("exchange",), (), series_key="exchange")
FX_FRESHNESS = Check("fx_rates", "fx_rates.freshness", "series_freshness.sql",
                     {"dataset": "fx_rates", "as_of": date(2026, 1, 30), "lag_sessions": 1},
                     ("pair",), (), series_key="pair")


def margin_freshness(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The margin freshness query's result as the frame GX validates."""
    return frames.arrow_frame(frames.check_table(con, MARGIN_FRESHNESS), MARGIN_FRESHNESS)


def test_a_check_frame_has_nanosecond_dates_and_the_series_key_renamed(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    with gate_views(warehouse):
        frame = margin_freshness(warehouse)
    assert "series" not in frame.columns
    assert sorted(frame["exchange"]) == ["SSE", "SZSE", "TOTAL"]
    assert frame["last_date"].dtype == np.dtype("datetime64[ns]")
    assert set(frame["last_date"]) == {pd.Timestamp("2026-01-30")}


def test_a_result_from_the_spill_size_on_is_a_file_that_reads_back_as_the_same_frame(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of one row: the spill begins part-way through the stream.
    monkeypatch.setattr(frames, "BATCH_ROWS", 1)
    with gate_views(warehouse):
        whole = margin_freshness(warehouse)
        held = frames.check_result(warehouse, MARGIN_FRESHNESS, len(whole) + 1, tmp_path)
        spilled = frames.check_result(warehouse, MARGIN_FRESHNESS, 2, tmp_path)
    assert isinstance(held, pa.Table) and isinstance(spilled, Path)
    assert spilled.parent == tmp_path and len(whole) == 3
    pd.testing.assert_frame_equal(in_key_order(frames.arrow_frame(held, MARGIN_FRESHNESS)),
                                  in_key_order(whole))
    pd.testing.assert_frame_equal(
        in_key_order(frames.arrow_frame(frames.spilled_table(spilled), MARGIN_FRESHNESS)),
        in_key_order(whole))


def test_frames_ahead_yields_what_the_queries_give_one_by_one_in_order(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    checks = [MARGIN_FRESHNESS, FX_FRESHNESS, MARGIN_FRESHNESS]
    with gate_views(warehouse):
        alone = [frames.arrow_frame(frames.check_table(warehouse, check), check)
                 for check in checks]
        ahead = list(frames.frames_ahead(warehouse, checks))
    assert [check for check, _ in ahead] == checks
    for (check, table), expected in zip(ahead, alone, strict=True):
        pd.testing.assert_frame_equal(in_key_order(frames.arrow_frame(table, check), check),
                                      in_key_order(expected, check))


def in_key_order(frame: pd.DataFrame, check: Check = MARGIN_FRESHNESS) -> pd.DataFrame:
    """The frame's rows in key order: check queries return theirs in any order."""
    return frame.loc[frames.key_order(frame, check)].reset_index(drop=True)


class Recorder:
    """A stand-in for the check query that notes which queries ran while a frame was held."""

    def __init__(self, sizes: dict[str, int], failing: str | None = None) -> None:
        self.sizes = sizes
        self.failing = failing
        self.started: list[str] = []
        self.finished = threading.Event()

    def __call__(self, con: object, check: Check) -> pa.Table:
        self.started.append(check.suite)
        if check.suite == self.failing:
            raise duckdb.BinderException(f"{check.suite} does not bind")
        if check.suite == "slow":
            self.finished.wait(5)
        return pa.table({"row": range(self.sizes.get(check.suite, 1))})


def _check(suite: str) -> Check:
    return Check("t", suite, "unused.sql", {}, (), ())


def test_the_next_query_runs_while_a_small_frame_is_judged_but_not_beside_a_large_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder({"large": frames.AHEAD_BELOW_ROWS})
    monkeypatch.setattr(frames, "check_table", recorder)
    ahead = frames.frames_ahead(duckdb.connect(), [_check(s) for s in ("small", "large", "last")])

    check, _ = next(ahead)
    assert check.suite == "small"
    threading.Event().wait(0.2)
    assert recorder.started == ["small", "large"]
    check, table = next(ahead)
    assert (check.suite, len(table)) == ("large", frames.AHEAD_BELOW_ROWS)
    threading.Event().wait(0.2)
    assert recorder.started == ["small", "large"]
    assert [check.suite for check, _ in ahead] == ["last"]


def test_a_failing_query_raises_at_its_place_and_closing_waits_for_the_query_in_flight(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorder = Recorder({}, failing="broken")
    monkeypatch.setattr(frames, "check_table", recorder)
    ahead = frames.frames_ahead(duckdb.connect(), [_check(s) for s in ("first", "broken")])
    assert next(ahead)[0].suite == "first"
    with pytest.raises(duckdb.BinderException, match="broken does not bind"):
        next(ahead)

    recorder = Recorder({})
    monkeypatch.setattr(frames, "check_table", recorder)
    ahead = frames.frames_ahead(duckdb.connect(), [_check(s) for s in ("first", "slow")])
    next(ahead)
    threading.Timer(0.3, recorder.finished.set).start()
    ahead.close()
    assert recorder.finished.is_set()
