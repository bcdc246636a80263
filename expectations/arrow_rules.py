"""Expectations read in Arrow: for each kind of rule the screens know, the rows that could
break it: a superset of the rows Great Expectations' pandas engine finds unexpected, larger
only by the rows outside a rule's row condition and those with a missing key part.

Each reader returns None where Arrow and pandas could read the rule apart (a column type
compared differently, a bound of another type), and the rule is then judged on the whole
frame.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Mask: TypeAlias = "pa.ChunkedArray | pa.Array"


def bools(mask: Mask) -> np.ndarray:
    """A mask without nulls as a numpy array (Arrow packs booleans in bits: always a copy)."""
    if isinstance(mask, pa.ChunkedArray):
        return np.asarray(mask.to_numpy(), dtype=bool)
    return mask.to_numpy(zero_copy_only=False)


def scalar(value: object, kind: pa.DataType) -> pa.Scalar | None:
    """``value`` as a scalar compared with a column of ``kind`` as pandas compares it."""
    if pa.types.is_boolean(kind) and isinstance(value, bool | np.bool_):
        return pa.scalar(bool(value))
    if isinstance(value, bool | np.bool_):
        return None
    if (pa.types.is_integer(kind) or pa.types.is_floating(kind)) and isinstance(
            value, int | float | np.integer | np.floating) and not np.isnan(value):
        return pa.scalar(float(value) if pa.types.is_floating(kind) else value)
    if (pa.types.is_string(kind) or pa.types.is_large_string(kind)) and isinstance(value, str):
        return pa.scalar(value, type=kind)
    return None


def _family(kind: pa.DataType) -> str | None:
    """Column types Arrow and pandas compare alike, by the family they compare within."""
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return "number"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    if pa.types.is_boolean(kind):
        return "bool"
    if pa.types.is_date32(kind) or (pa.types.is_timestamp(kind) and kind.tz is None):
        return "time"
    return None


def _missing(table: pa.Table, column: str) -> Mask:
    """Missing to pandas: null, and NaN, which pandas reads as missing."""
    values = table[column]
    if pa.types.is_floating(values.type):
        return pc.is_null(values, nan_is_null=True)
    return pc.is_null(values)


def _outside(inside: Mask) -> Mask:
    """Rows not known to be inside: a comparison with a missing value is null, with NaN false."""
    return pc.invert(pc.fill_null(inside, False))


def _not_null(expectation: Any, table: pa.Table) -> Mask:
    return _missing(table, expectation.column)


def _null(expectation: Any, table: pa.Table) -> Mask:
    return pc.invert(_missing(table, expectation.column))


def _judged(inside: Mask, skipped: Mask) -> Mask:
    """Rows GX does not skip (column rules skip a missing value) not known to be inside."""
    return pc.and_(pc.invert(skipped), _outside(inside))


def _between(expectation: Any, table: pa.Table) -> Mask | None:
    """Rows with a value outside the bounds."""
    values = table[expectation.column]
    checks = []
    for bound, strict, upper in ((expectation.min_value, expectation.strict_min, False),
                                 (expectation.max_value, expectation.strict_max, True)):
        if bound is None:
            continue
        found = _bound(bound, values.type, upper)
        if found is None:
            return None
        value, exact = found
        # A rounded bound lies between the column's values: on it is inside, strict or not.
        compare = ((pc.less if upper else pc.greater) if strict and exact
                   else (pc.less_equal if upper else pc.greater_equal))
        checks.append(compare(values, value))
    if not checks:
        return None
    inside = checks[0] if len(checks) == 1 else pc.and_(checks[0], checks[1])
    return _judged(inside, _missing(table, expectation.column))


def _bound(bound: object, kind: pa.DataType, upper: bool) -> tuple[pa.Scalar, bool] | None:
    """A bound as a scalar of the column's type, and whether it is exactly the bound.

    A date or time is rounded to the column's unit towards the inside (an upper bound down, a
    lower one up): a value of that unit is within the bound exactly when it is within the
    rounded one.
    """
    family = _family(kind)
    if family == "number":
        number = scalar(bound, kind)
        return None if number is None else (number, True)
    # A bare date is left to GX: pandas refuses to compare one with the frame's datetimes.
    if family != "time" or not isinstance(bound, datetime) or bound is pd.NaT:
        return None
    stamp = pd.Timestamp(bound)
    if stamp.tzinfo is not None:
        return None
    unit = "D" if pa.types.is_date32(kind) else pd.Timedelta(1, unit=kind.unit)
    rounded = stamp.floor(unit) if upper else stamp.ceil(unit)
    value = rounded.date() if pa.types.is_date32(kind) else rounded.to_pydatetime(warn=False)
    return pa.scalar(value, type=kind), rounded == stamp


def _in_set(expectation: Any, table: pa.Table) -> Mask | None:
    values = table[expectation.column]
    wanted = list(expectation.value_set or [])
    scalars = [scalar(value, values.type) for value in wanted]
    known = [found.as_py() for found in scalars if found is not None]
    if not wanted or len(known) < len(wanted):
        return None
    inside = pc.is_in(values, value_set=pa.array(known, type=values.type))
    return _judged(inside, _missing(table, expectation.column))


def _comparable(expectation: Any, table: pa.Table) -> bool:
    """Whether the pair's columns are compared alike in Arrow and pandas."""
    a, b = (table.schema.field(expectation.column_A).type,
            table.schema.field(expectation.column_B).type)
    family = _family(a)
    return family is not None and family == _family(b) and (family != "time" or a == b)


def _skipped(expectation: Any, table: pa.Table) -> Mask:
    """The rows GX skips for a missing value of the pair (``ignore_row_if``)."""
    missing_a = _missing(table, expectation.column_A)
    missing_b = _missing(table, expectation.column_B)
    if expectation.ignore_row_if == "either_value_is_missing":
        return pc.or_(missing_a, missing_b)
    if expectation.ignore_row_if == "both_values_are_missing":
        return pc.and_(missing_a, missing_b)
    return pa.array(np.zeros(table.num_rows, dtype=bool))


def _pair_equal(expectation: Any, table: pa.Table) -> Mask | None:
    if not _comparable(expectation, table):
        return None
    held = pc.equal(table[expectation.column_A], table[expectation.column_B])
    return _judged(held, _skipped(expectation, table))


def _pair_greater(expectation: Any, table: pa.Table) -> Mask | None:
    if not _comparable(expectation, table):
        return None
    compare = pc.greater_equal if expectation.or_equal else pc.greater
    held = compare(table[expectation.column_A], table[expectation.column_B])
    return _judged(held, _skipped(expectation, table))


def _unique(expectation: Any, table: pa.Table) -> Mask | None:
    """Rows whose key is missing somewhere or shared with another row."""
    columns = list(getattr(expectation, "column_list", None) or [expectation.column])
    missing = np.zeros(table.num_rows, dtype=bool)
    combined = np.zeros(table.num_rows, dtype=np.int64)
    distinct = 1
    for column in columns:
        found = _codes(table[column])
        if found is None:
            return None
        codes, count = found
        if distinct * count >= 2**62:
            combined = np.unique(combined, return_inverse=True)[1].astype(np.int64)
            distinct = int(combined.max(initial=0)) + 1
        combined = combined * count + codes
        distinct *= count
        missing |= bools(_missing(table, column))
    ordered = np.sort(combined)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    shared = np.isin(combined, repeated) if len(repeated) else np.zeros_like(missing)
    return pa.array(shared | missing)


def _codes(values: pa.ChunkedArray) -> tuple[np.ndarray, int] | None:
    """Each value as a code from 0 to a count, equal codes for equal values (a missing value's
    code is any); None for floats, whose equal values Arrow and pandas could tell apart."""
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = pc.dictionary_encode(values.combine_chunks())
        codes = pc.fill_null(encoded.indices, 0).to_numpy().astype(np.int64)
        return codes, max(len(encoded.dictionary), 1)
    if pa.types.is_boolean(kind):
        return bools(pc.fill_null(values, False)).astype(np.int64), 2
    if pa.types.is_date32(kind):
        values = values.cast(pa.int32())
    elif pa.types.is_timestamp(kind):
        values = values.cast(pa.int64())
    elif not pa.types.is_integer(kind) or pa.types.is_uint64(kind):
        return None
    numbers = pc.fill_null(values.cast(pa.int64()), 0).to_numpy()
    low, high = int(numbers.min(initial=0)), int(numbers.max(initial=0))
    if high - low < 2**31:
        return numbers - low, high - low + 1
    inverse = np.unique(numbers, return_inverse=True)[1].astype(np.int64)
    return inverse, int(inverse.max(initial=0)) + 1


READERS: dict[str, Callable[[Any, pa.Table], Mask | None]] = {
    "ExpectColumnValuesToNotBeNull": _not_null,
    "ExpectColumnValuesToBeNull": _null,
    "ExpectColumnValuesToBeBetween": _between,
    "ExpectColumnValuesToBeInSet": _in_set,
    "ExpectColumnPairValuesToBeEqual": _pair_equal,
    "ExpectColumnPairValuesAToBeGreaterThanB": _pair_greater,
    "ExpectColumnValuesToBeUnique": _unique,
    "ExpectCompoundColumnsToBeUnique": _unique,
}
READ_FIELDS: dict[str, frozenset[str]] = {
    "ExpectColumnValuesToNotBeNull": frozenset({"column"}),
    "ExpectColumnValuesToBeNull": frozenset({"column"}),
    "ExpectColumnValuesToBeBetween": frozenset({"column", "min_value", "max_value",
                                                "strict_min", "strict_max"}),
    "ExpectColumnValuesToBeInSet": frozenset({"column", "value_set"}),
    "ExpectColumnPairValuesToBeEqual": frozenset({"column_A", "column_B", "ignore_row_if"}),
    "ExpectColumnPairValuesAToBeGreaterThanB": frozenset({"column_A", "column_B", "or_equal",
                                                          "ignore_row_if"}),
    "ExpectColumnValuesToBeUnique": frozenset({"column"}),
    "ExpectCompoundColumnsToBeUnique": frozenset({"column_list", "ignore_row_if"}),
}
