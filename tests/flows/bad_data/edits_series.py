"""Edits of daily series the held-out corpus adds (kline rows, chart results): tail answers,
unit slips, spikes that revert, frozen prices, unadjusted splits, dropped fields, extra days.

An incremental nightly run asks each provider for the tail of a series (from its last stored
date minus the overlap), so a unit slip arrives as a short answer wholly in the new unit; the
``*_tail`` edits cut a body the same way, which is what lets the gate compare the incoming level
with the stored one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tests.flows.bad_data.edits import PRICES
from tests.flows.bad_data.payloads import (
    KLINE_CLOSE,
    KLINE_DATE,
    KLINE_VOLUME,
    chart_index,
    kline_row,
    scale,
)

# The runs the kinds meet merged history up to 2026-01-23; a nightly run re-asks 10 days back.
TAIL_FROM = "2026-01-14"
CHART_PRICES = ("open", "high", "low", "close")
KLINE_AMOUNT = 6
MISSING = ("-", "")

Edit = Callable[[Any], None]


def chain(*edits: Edit) -> Edit:
    """Apply ``edits`` in order to the same payload."""

    def edit(payload: Any) -> None:
        for step in edits:
            step(payload)

    return edit


def kline_tail(rows: list[list[str]]) -> None:
    """Keep the rows an incremental request from ``TAIL_FROM`` returns."""
    rows[:] = [row for row in rows if row[KLINE_DATE] >= TAIL_FROM]


def _scale(row: list[str], fields: Sequence[int], factor: float) -> None:
    scale(row, tuple(i for i in fields if row[i] not in MISSING), factor)


def kline_scale(fields: Sequence[int], factor: float, since: str = "") -> Edit:
    """Multiply kline fields of every row from ``since`` on, keeping their written precision
    (``-``, a value the provider does not have, stays)."""

    def edit(rows: list[list[str]]) -> None:
        for row in rows:
            if row[KLINE_DATE] >= since:
                _scale(row, fields, factor)

    return edit


def kline_spike(day: str, factor: float) -> Edit:
    """Every price of one day scaled; the next day is left as it was, so the move reverts."""
    return lambda rows: _scale(kline_row(rows, day), PRICES, factor)


def kline_freeze_from(day: str) -> Edit:
    """From ``day`` on, every price repeats the previous session's close; volume goes on."""

    def edit(rows: list[list[str]]) -> None:
        start = rows.index(kline_row(rows, day))
        frozen = rows[start - 1][KLINE_CLOSE]
        for row in rows[start:]:
            for index in PRICES:
                if row[index] not in MISSING:
                    row[index] = frozen

    return edit


def kline_split_from(day: str, ratio: int) -> Edit:
    """An ``ratio``-for-1 split left unadjusted: prices divided, volume multiplied from ``day``."""

    def edit(rows: list[list[str]]) -> None:
        for row in rows:
            if row[KLINE_DATE] >= day:
                _scale(row, PRICES, 1 / ratio)
                row[KLINE_VOLUME] = str(int(row[KLINE_VOLUME]) * ratio)

    return edit


def kline_drop_field(day: str, index: int) -> Edit:
    """The row of ``day`` with one field left out, so later fields shift left by one."""

    def edit(rows: list[list[str]]) -> None:
        del kline_row(rows, day)[index]

    return edit


def _chart_days(result: dict[str, Any], since: str) -> range:
    return range(chart_index(result, since), len(result["timestamp"]))


def chart_tail(result: dict[str, Any]) -> None:
    """Keep the bars an incremental request from ``TAIL_FROM`` returns."""
    start = chart_index(result, TAIL_FROM)
    result["timestamp"] = result["timestamp"][start:]
    quote = result["indicators"]["quote"][0]
    for name in quote:
        quote[name] = quote[name][start:]


def chart_scale(names: Sequence[str], factor: float, since: str = TAIL_FROM,
                until: str | None = None) -> Edit:
    """Multiply quote fields of the bars from ``since`` (through ``until``)."""

    def edit(result: dict[str, Any]) -> None:
        quote = result["indicators"]["quote"][0]
        last = chart_index(result, until) if until else len(result["timestamp"]) - 1
        for index in _chart_days(result, since):
            for name in names:
                if index <= last and quote[name][index] is not None:
                    quote[name][index] = quote[name][index] * factor

    return edit


def chart_freeze_from(day: str) -> Edit:
    """From ``day`` on, every price repeats the previous bar's close."""

    def edit(result: dict[str, Any]) -> None:
        quote = result["indicators"]["quote"][0]
        days = _chart_days(result, day)
        frozen = quote["close"][days.start - 1]
        for index in days:
            for name in CHART_PRICES:
                if quote[name][index] is not None:
                    quote[name][index] = frozen

    return edit


def chart_split_from(day: str, ratio: int) -> Edit:
    """An ``ratio``-for-1 split left unadjusted: prices divided, volume multiplied from ``day``."""

    def edit(result: dict[str, Any]) -> None:
        chart_scale(CHART_PRICES, 1 / ratio, since=day)(result)
        quote = result["indicators"]["quote"][0]
        for index in _chart_days(result, day):
            quote["volume"][index] = quote["volume"][index] * ratio

    return edit


def chart_append_day(day: str) -> Edit:
    """A copy of the last bar dated ``day``, at the same time of day."""

    def edit(result: dict[str, Any]) -> None:
        last = result["timestamp"][-1]
        clock = datetime.fromtimestamp(last, UTC)
        shifted = datetime.combine(date.fromisoformat(day), clock.timetz())
        result["timestamp"].append(int(shifted.timestamp()))
        for values in result["indicators"]["quote"][0].values():
            values.append(values[-1])

    return edit


def chart_drop_last(name: str) -> Edit:
    """One quote array a value short of the timestamps: a field missing from the last bar."""
    return lambda result: result["indicators"]["quote"][0][name].pop()
