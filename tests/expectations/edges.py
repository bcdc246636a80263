"""Frames whose values sit where readings of a rule could differ, and one rule of every kind
the screens read: shared by the screens' and the judged tables' tests."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
from great_expectations import expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations.checks import Check, Rule
from expectations.suites.common import at_least, in_set, not_empty, not_null, positive

DAYS = pd.date_range("2026-01-05", periods=6).date
STAMPS = [datetime(2026, 1, 6, hour) for hour in (0, 9, 12, 15)]


def edge_frame(seed: int, rows: int = 160) -> pa.Table:
    """A frame whose values sit where readings could differ: on bounds, missing, NaN, infinite,
    shared keys, missing keys, unequal pairs and rows outside a row condition."""
    draw = np.random.default_rng(seed)

    def pick(values: list[object]) -> list[object]:
        return [values[i] for i in draw.integers(0, len(values), rows)]

    numbers: list[object] = [0.0, 1.0, 0.5, -0.0, -1.0, 2.0, None, float("nan"),
                             float("inf"), 1.0 + 1e-12]
    # In chunks, as a result streamed from DuckDB arrives.
    return pa.Table.from_batches(pa.table({
        # About as many keys as rows: some shared, most not.
        "symbol": pa.array(pick([*(f"{n:06d}.SZ" for n in range(rows // 5)), None]),
                           pa.string()),
        "trade_date": pa.array(pick([*DAYS, None]), pa.date32()),
        "stamp": pa.array(pick([*STAMPS, None]), pa.timestamp("us")),
        "x": pa.array(pick(numbers), pa.float64()),
        "y": pa.array(pick(numbers), pa.float64()),
        "count": pa.array(pick([0, 1, 3, 5, None]), pa.int64()),
        "kind": pa.array(pick(["ohlc", "close_only", None]), pa.string()),
        "flag": pa.array(pick([True, False, None]), pa.bool_()),
        "a": pa.array(pick(["CNY", "HKD", None]), pa.string()),
        "b": pa.array(pick(["CNY", "HKD", None]), pa.string()),
        "note": pa.array(pick([None, None, "x"]), pa.string()),
        "source_file": pa.array([f"kline/{i}.json" for i in range(rows)], pa.string()),
    }).to_batches(max_chunksize=rows // 3))


def edge_rules() -> tuple[Rule, ...]:
    """One rule of every kind the screens read, with the parameters the suites use."""
    ohlc = Column("kind") == "ohlc"
    return (
        not_empty(),
        Rule("unique_key", gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["symbol", "trade_date"]), "key unique"),
        Rule("symbol_unique", gxe.ExpectColumnValuesToBeUnique(column="symbol"), "unique"),
        not_null("x"),
        Rule("x_ohlc", gxe.ExpectColumnValuesToNotBeNull(column="x", row_condition=ohlc), "x"),
        Rule("note_null", gxe.ExpectColumnValuesToBeNull(column="note"), "note missing"),
        positive("x"),
        Rule("x_band", gxe.ExpectColumnValuesToBeBetween(column="x", min_value=0, max_value=1,
                                                         row_condition=ohlc), "x in [0, 1]"),
        Rule("count_band", gxe.ExpectColumnValuesToBeBetween(
            column="count", min_value=1, max_value=3, strict_max=True), "count in [1, 3)"),
        Rule("no_future_date", gxe.ExpectColumnValuesToBeBetween(
            column="trade_date", max_value=pd.Timestamp(DAYS[3])), "not after"),
        Rule("date_window", gxe.ExpectColumnValuesToBeBetween(
            column="trade_date", min_value=pd.Timestamp(DAYS[1]),
            max_value=pd.Timestamp(DAYS[4]), strict_min=True, strict_max=True), "inside"),
        Rule("date_noons", gxe.ExpectColumnValuesToBeBetween(
            column="trade_date", min_value=datetime(2026, 1, 6, 12),
            max_value=datetime(2026, 1, 8, 12), strict_min=True, strict_max=True), "noons"),
        Rule("stamp_window", gxe.ExpectColumnValuesToBeBetween(
            column="stamp", min_value=STAMPS[1], max_value=STAMPS[2], strict_max=True),
             "inside the window"),
        in_set("flag", [True], "flag_true", "flag must hold"),
        in_set("kind", ["ohlc"], "kind_known", "kind known"),
        in_set("count", [1, 3], "count_known", "count known"),
        Rule("a_is_b", gxe.ExpectColumnPairValuesToBeEqual(
            column_A="a", column_B="b", ignore_row_if="either_value_is_missing"), "a = b"),
        Rule("a_is_b_both", gxe.ExpectColumnPairValuesToBeEqual(column_A="a", column_B="b"),
             "a = b"),
        at_least("x", "y", "x_at_least_y", "x >= y", show=("x", "y")),
        Rule("x_above_y", gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="x", column_B="y", ignore_row_if="neither"), "x > y"),
    )


EDGES = Check("edges", "edges", "unused.sql", {}, ("symbol", "trade_date"), edge_rules())
