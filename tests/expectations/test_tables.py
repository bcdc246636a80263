"""Judged tables: screened rules on the rows that could break them, the rest on the whole
result, with the outcomes GX gives on the whole frame."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from expectations import runner, screens, tables
from expectations.checks import Check
from expectations.frames import arrow_frame
from expectations.suites.common import key_rules, not_empty, not_null, positive
from tests.expectations.edges import DAYS, EDGES, STAMPS, edge_frame
from tests.expectations.judging import batch_definition


def frames_judged(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[str, ...], int]]:
    """From now on, the rules of every frame GX validates and the frame's rows, in order."""
    seen: list[tuple[tuple[str, ...], int]] = []
    judge = runner.judge_frame

    def recorded(check: Check, frame: pd.DataFrame, definition: object,
                 **options: bool) -> list[runner.Outcome]:
        seen.append((tuple(rule.rule for rule in check.rules), len(frame)))
        return judge(check, frame, definition, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(tables, "judge_frame", recorded)
    return seen


def test_screened_rules_judge_as_on_the_whole_frame() -> None:
    # A frame converts its table's buffers away: the whole frame is converted from a twin.
    whole = runner.judge_frame(EDGES, arrow_frame(edge_frame(seed=1, rows=480), EDGES),
                               batch_definition())
    table = edge_frame(seed=1, rows=480)
    screened = tables.judge_table(EDGES, table, batch_definition())
    assert screened == whole
    assert {o.rule for o in whole if not o.success} >= {"unique_key", "x_band", "a_is_b"}
    unscreened = [rule.rule for rule in EDGES.rules if screens.screen(rule, table) is None]
    assert unscreened == ["not_empty"]


def test_a_frame_that_breaks_no_rule_sends_no_row_to_great_expectations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A screened rule that marks no row holds as it does on the whole frame, without GX.
    def clean() -> pa.Table:
        return pa.table({
            "symbol": [f"{n:06d}.SZ" for n in range(4)],
            "trade_date": pa.array([DAYS[2], DAYS[3]] * 2, pa.date32()),
            "stamp": pa.array([STAMPS[1]] * 4, pa.timestamp("us")),
            "x": [0.5, 1.0, 0.25, 0.75], "y": [0.0, 0.5, -1.0, 0.5], "count": [1, 1, 1, 1],
            "kind": ["ohlc"] * 4, "flag": [True] * 4, "a": ["CNY"] * 4, "b": ["CNY"] * 4,
            "note": pa.array([None] * 4, pa.string()), "source_file": ["kline.json"] * 4,
        })

    whole = runner.judge_frame(EDGES, arrow_frame(clean(), EDGES), batch_definition())
    seen = frames_judged(monkeypatch)
    assert tables.judge_table(EDGES, clean(), batch_definition()) == whole
    assert all(outcome.success for outcome in whole) and seen == [(("not_empty",), 4)]


def test_only_the_rows_that_could_break_a_rule_reach_great_expectations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    symbols = [f"{n:06d}.SZ" for n in range(1000)]
    table = pa.Table.from_batches(pa.table({
        "symbol": symbols,
        "trade_date": pa.array([DAYS[0]] * 1000, pa.date32()),
        "close": [10.0] * 998 + [0.0, None],
        "source_file": ["kline.json"] * 1000,
    }).to_batches(max_chunksize=300))
    check = Check("security_bars", "security_bars", "unused.sql", {}, ("symbol", "trade_date"),
                  (not_empty(), *key_rules(("symbol", "trade_date")), positive("close"),
                   not_null("close")))
    seen = frames_judged(monkeypatch)
    outcomes = tables.judge_table(check, table, batch_definition())

    assert seen == [(("close_positive", "close_not_null"), 2), (("not_empty",), 1000)]
    assert [(o.rule, o.success, o.element_count, o.unexpected_count) for o in outcomes] == [
        ("not_empty", True, 1000, 0), ("symbol_not_null", True, 1000, 0),
        ("trade_date_not_null", True, 1000, 0), ("unique_key", True, 1000, 0),
        ("close_positive", False, 1000, 1), ("close_not_null", False, 1000, 1)]
    assert outcomes[4].sample == [{"symbol": "000998.SZ", "trade_date": "2026-01-05",
                                   "source_file": "kline.json", "close": 0.0}]
    assert outcomes[5].sample == [{"symbol": "000999.SZ", "trade_date": "2026-01-05",
                                   "source_file": "kline.json", "close": None}]
