"""Check frames validated with Great Expectations: verdicts, counts and samples per rule."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from expectations.checks import Check, Rule, Severity
from expectations.configurations import built_once
from expectations.frames import key_order

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition

SAMPLE_SIZE = 5
# From this many rows on, rules are validated on frames of just their columns; below it the
# extra GX validations cost more than the copies they save.
NARROW_FROM_ROWS = 100_000

# A verdict is all a rule that holds needs: it has no unexpected row, and it saw every row of
# the frame unless a row condition narrowed its domain, whose row count only BASIC reports.
# BOOLEAN_ONLY spares GX the unexpected-values metric of every expectation (5-11 % of a small
# gate's CPU, interleaved with the old counting). Unexpected row indices (for samples) cost
# extra metrics again, so only broken rules are validated a second time to get them; SUMMARY
# stops at the first few indices rather than materialising every unexpected value.
VERDICT_FORMAT: dict[str, Any] = {"result_format": "BOOLEAN_ONLY"}
COUNT_FORMAT: dict[str, Any] = {"result_format": "BASIC"}
SAMPLE_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": SAMPLE_SIZE,
}


@dataclass(frozen=True)
class Outcome:
    """The judged result of one rule: what the results file records for every expectation."""

    table: str
    suite: str
    rule: str
    severity: Severity
    success: bool
    element_count: int | None
    unexpected_count: int
    message: str
    sample: list[dict[str, Any]]

    @property
    def row_level(self) -> bool:
        """Whether the rule is one of its table's row-level check, the suite named for the
        table, whose frame holds one row per staged row."""
        return self.suite == self.table


def rule_columns(rule: Rule, columns: Iterable[Hashable]) -> tuple[str, ...]:
    """The columns, of a frame's ``columns``, a rule's expectation reads, row condition included.

    Anything not recognised as reading named columns only (a table-level expectation, a row
    condition given as text) gets every column, so narrowing never changes a verdict.
    """
    expectation = rule.expectation
    names: list[str] = []
    for attribute in ("column", "column_A", "column_B"):
        value = getattr(expectation, attribute, None)
        if isinstance(value, str):
            names.append(value)
    names.extend(getattr(expectation, "column_list", None) or [])
    condition_columns = _condition_columns(getattr(expectation, "row_condition", None))
    if not names or condition_columns is None:
        return tuple(str(column) for column in columns)
    return tuple(dict.fromkeys([*names, *condition_columns]))


def _condition_columns(condition: Any) -> list[str] | None:
    """Columns a structured row condition reads; None when it cannot be told."""
    if condition is None:
        return []
    column = getattr(condition, "column", None)
    if column is not None and isinstance(getattr(column, "name", None), str):
        return [column.name]
    parts = getattr(condition, "conditions", None)
    if isinstance(parts, list | tuple):
        names: list[str] = []
        for part in parts:
            found = _condition_columns(part)
            if found is None:
                return None
            names.extend(found)
        return names
    return None


def judge_frame(check: Check, frame: pd.DataFrame, batch_definition: BatchDefinition,
                *, count_domains: bool = True) -> list[Outcome]:
    """Judge every rule of ``check``'s suite against ``frame``, its query's result or rows of it.

    On a large frame each group of rules reading the same columns is validated on a frame of
    just those columns: GX copies a whole batch whenever an expectation filters rows (a row
    condition, a pair ignoring missing values), and a full-market partition is millions of rows
    with every column. Samples of broken rules are still read from the whole frame, its first
    unexpected rows in key order (``frames.key_order``). Without ``count_domains`` (the caller
    counted them) a rule with a row condition that holds is not validated apart to count its
    domain's rows.
    """
    import great_expectations as gx

    groups: dict[tuple[tuple[str, ...], bool], list[Rule]] = {}
    for rule in check.rules:
        columns = (rule_columns(rule, frame.columns) if len(frame) >= NARROW_FROM_ROWS
                   else tuple(str(column) for column in frame.columns))
        conditioned = (count_domains
                       and getattr(rule.expectation, "row_condition", None) is not None)
        groups.setdefault((columns, conditioned), []).append(rule)

    def validate(columns: tuple[str, ...], rules: list[Rule], result_format: dict[str, Any],
                 order: pd.Index | None = None) -> dict[str, Any]:
        # A column the frame lacks is left for GX to report as a rule it cannot evaluate.
        present = ([column for column in columns if column in frame.columns]
                   or list(frame.columns[:1]))
        rows = frame[present] if order is None else frame.loc[order, present]
        batch = batch_definition.get_batch(batch_parameters={"dataframe": rows})
        suite = gx.ExpectationSuite(
            name=check.suite, expectations=[rule.expectation for rule in rules]
        )
        with built_once(), metrics_forgotten(batch):
            validation = batch.validate(suite, result_format=result_format)
        return {
            result.expectation_config.meta["rule"]: result
            for result in validation.results
            if result.expectation_config is not None
        }

    results: dict[str, Any] = {}
    order: pd.Index | None = None
    for (columns, conditioned), rules in groups.items():
        counted = validate(columns, rules, COUNT_FORMAT if conditioned else VERDICT_FORMAT)
        broken = [rule for rule in rules if not counted[rule.rule].success]
        if broken:
            order = key_order(frame, check) if order is None else order
            counted.update(validate(columns, broken, SAMPLE_FORMAT, order))
        results.update(counted)
    return [_judge(check, rule, results[rule.rule], frame) for rule in check.rules]


@contextmanager
def metrics_forgotten(batch: Any) -> Iterator[None]:
    """Within the block, ``batch`` is validated; after it, GX holds none of its data.

    GX's execution engine is its datasource's, shared by every batch, and it keeps the last
    batch's frame and every metric it computed (row masks, row-conditioned copies) in a cache
    that nothing empties, keyed by the batch's id, which the whole-frame asset gives every
    batch alike. After a year's bar rows the judging worker held 190 MB more than before, until
    the next frame replaced them. Each validation resolves its metrics from its own graph.
    """
    try:
        yield
    finally:
        engine = batch.data.execution_engine
        engine._metric_cache.clear()
        engine.batch_manager._batch_data_cache.clear()
        engine.batch_manager.reset_batch_cache()


def _judge(check: Check, rule: Rule, result: Any, frame: pd.DataFrame) -> Outcome:
    details: dict[str, Any] = result.result or {}
    unexpected = int(details.get("unexpected_count") or 0)
    indices = details.get("partial_unexpected_index_list") or []
    sample = [_sample_row(frame, index, check, rule) for index in indices[:SAMPLE_SIZE]]
    error = _exception_message(result.exception_info or {})
    if error is not None:
        # A rule that cannot be evaluated must stop the publish, whatever its severity.
        message = f"{check.table}: rule {rule.rule} could not be evaluated ({error})."
        return Outcome(check.table, check.suite, rule.rule, "fail", False, None, 0, message, sample)
    success = bool(result.success)
    if success:
        message = _holds(check, rule)
    elif "observed_value" in details:
        message = (
            f"{check.table} breaks {rule.rule}: {rule.description}; "
            f"observed {details['observed_value']}."
        )
    else:
        rows = "row breaks" if unexpected == 1 else "rows break"
        message = f"{check.table}: {unexpected} {rows} {rule.rule}: {rule.description}."
    return Outcome(
        check.table,
        check.suite,
        rule.rule,
        rule.severity,
        success,
        details.get("element_count", len(frame)),
        unexpected,
        message,
        sample,
    )


def held(check: Check, rule: Rule, element_count: int | None) -> Outcome:
    """The outcome of a rule that holds on ``element_count`` rows of its domain."""
    return Outcome(check.table, check.suite, rule.rule, rule.severity, True, element_count, 0,
                   _holds(check, rule), [])


def _holds(check: Check, rule: Rule) -> str:
    return f"{check.table} holds {rule.rule}: {rule.description}."


def _exception_message(info: dict[str, Any]) -> str | None:
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    # A failed metric reports its exception one level down, keyed by the metric's id.
    for nested in info.values():
        if isinstance(nested, dict) and nested.get("raised_exception"):
            return str(nested.get("exception_message"))
    return None


def sample_columns(check: Check, rule: Rule) -> list[str]:
    """What a broken rule's sample rows show: the keys, the source file, the rule's values."""
    return list(dict.fromkeys([*check.keys, "source_file", *rule.show]))


def _sample_row(frame: pd.DataFrame, index: Any, check: Check, rule: Rule) -> dict[str, Any]:
    columns = [column for column in sample_columns(check, rule) if column in frame.columns]
    return {column: _plain(frame.at[index, column]) for column in columns}


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: ISO dates, None for missing, infinities spelled out.

    pandas has already turned SQL NULL and NaN into the same NaN, so both read as None here; the
    finite_numbers rule's `nonfinite_columns` is what names a real NaN.
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    return value
