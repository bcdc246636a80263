"""Check frames screened in Arrow before Great Expectations judges them.

A full-market frame is millions of rows, and nearly every row holds every rule; Great
Expectations spent 1.2 s of a year's gate judging the bar rows, most of it copying and masking
rows that could not break anything. A screen finds, column by column in Arrow, every row that
could break a rule (``arrow_rules``): a superset, which errs towards more rows wherever GX's
reading and Arrow's could differ (a missing key part, a row outside the rule's row condition).
Great Expectations then judges just those rows, so the unexpected rows, their
count and the samples are the ones it finds on the whole frame; what only the whole frame
knows, the rows each rule's domain holds (``element_count``), is counted here. A rule whose
screen marks no row has no row GX could find unexpected: it holds without a validation.

A rule is screened only where every part of it is understood: a known expectation type with no
parameter beyond those read here, ``mostly`` of 1, columns of a type compared alike in Arrow and
pandas, and no row condition or an equality one. Any other rule is judged as before, on the
whole frame narrowed to its columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from expectations.arrow_rules import READ_FIELDS, READERS, Mask, bools, scalar
from expectations.checks import Rule

# What a rule's expectation may carry without changing which rows break it.
INERT_FIELDS = frozenset({"id", "meta", "notes", "result_format", "description",
                          "catch_exceptions", "rendered_content", "severity"})
# Expectations that read the frame's row count and nothing else.
ROW_COUNT_TYPES = frozenset({"ExpectTableRowCountToBeBetween", "ExpectTableRowCountToEqual"})


@dataclass(frozen=True)
class Screen:
    """A rule's screen on one frame: the rows that could break it, and its domain's size."""

    could_break: Mask
    domain_rows: int

    def marks_any(self) -> bool:
        """Whether any row could break the rule (a row the screen left unread could)."""
        return bool(pc.any(pc.fill_null(self.could_break, True)).as_py())


def screen(rule: Rule, table: pa.Table) -> Screen | None:
    """``rule``'s screen on ``table``; None when the rule is not one a screen reads exactly."""
    expectation = rule.expectation
    kind = type(expectation).__name__
    reader = READERS.get(kind)
    if reader is None or not _plain_parameters(expectation, READ_FIELDS[kind]):
        return None
    try:
        domain_rows = _domain_rows(expectation, table)
        could_break = reader(expectation, table) if domain_rows is not None else None
    except (pa.ArrowException, KeyError, OverflowError, TypeError, ValueError):
        # Whatever Arrow cannot compare is left to GX on the whole frame, which says why.
        return None
    if domain_rows is None or could_break is None:
        return None
    return Screen(could_break, domain_rows)


def reads_row_count_only(rule: Rule) -> bool:
    """Whether the rule's verdict depends on nothing but the frame's number of rows."""
    return (type(rule.expectation).__name__ in ROW_COUNT_TYPES
            and getattr(rule.expectation, "row_condition", None) is None)


def any_row(masks: list[Mask], rows: int) -> np.ndarray:
    """The rows at least one of ``masks`` marks."""
    if not masks:
        return np.zeros(rows, dtype=bool)
    marked = masks[0]
    for mask in masks[1:]:
        marked = pc.or_(marked, mask)
    return bools(pc.fill_null(marked, True))


def _plain_parameters(expectation: Any, read: frozenset[str]) -> bool:
    """Every field is one the screen reads, inert, or left at its default; ``mostly`` is 1."""
    for name, field in type(expectation).__fields__.items():
        if name in read or name in INERT_FIELDS or name == "row_condition":
            continue
        if getattr(expectation, name) != field.default:
            return False
    return getattr(expectation, "mostly", 1) == 1


def _domain_rows(expectation: Any, table: pa.Table) -> int | None:
    """Rows of the table the rule's row condition keeps; None for a condition not read here."""
    condition = getattr(expectation, "row_condition", None)
    if condition is None:
        return table.num_rows
    column = getattr(getattr(condition, "column", None), "name", None)
    if (getattr(condition, "operator", None) != "==" or not isinstance(column, str)
            or column not in table.column_names):
        return None
    value = scalar(getattr(condition, "parameter", None), table.schema.field(column).type)
    if value is None:
        return None
    # A missing value equals nothing, in pandas' row filter as here.
    return int(pc.sum(pc.equal(table[column], value)).as_py() or 0)


