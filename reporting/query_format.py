"""How ``cntech sql`` prints a result: for people (table, markdown) and for programs (csv, json).

Tables round numbers, print fraction columns (their comments say ``fraction``) as percentages,
right-align numbers and end with the row count; they are never cut to a terminal width. CSV and
JSON keep full precision: CSV writes ``true``/``false`` and nested values as JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                 "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL")


@dataclass
class Result:
    """A query's column names, DuckDB type names and rows; ``fractions`` print as percentages."""

    columns: list[str]
    types: list[str]
    rows: list[tuple[object, ...]]
    fractions: set[str] = field(default_factory=set)

    def numeric(self, index: int) -> bool:
        """Whether column ``index`` holds numbers (right-aligned in tables)."""
        return self.types[index].split("(")[0] in NUMERIC_TYPES


def render(result: Result, fmt: str) -> str:
    """The result in ``fmt``: table, markdown, csv or json."""
    if fmt == "json":
        return _json(result)
    if fmt == "csv":
        return _csv(result)
    if fmt == "markdown":
        return _markdown(result)
    return _table(result)


def row_count(result: Result) -> str:
    """``1 row`` or ``5,700 rows``."""
    n = len(result.rows)
    return f"{n:,} row{'' if n == 1 else 's'}"


def display(value: object, *, percent: bool = False) -> str:
    """One value as a person reads it: rounded, dates in ISO, booleans lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal) and percent:
        return f"{float(value) * 100:,.2f}%"
    if isinstance(value, float | Decimal):
        return _number(float(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    return str(value)


def _number(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return str(value)
    magnitude = abs(value)
    if magnitude >= 1 or magnitude == 0:
        return f"{value:,.2f}"
    if magnitude >= 1e-4:
        return f"{value:.4f}"
    return f"{value:.3g}"


def _cells(result: Result) -> list[list[str]]:
    percent = [name in result.fractions for name in result.columns]
    return [[display(v, percent=p) for v, p in zip(row, percent, strict=True)]
            for row in result.rows]


def _table(result: Result) -> str:
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.columns)
    for index, column in enumerate(table.columns):
        column.no_wrap = True
        if result.numeric(index):
            column.justify = "right"
    cells = _cells(result)
    for row in cells:
        table.add_row(*row)
    widths = [max([cell_len(c), *(cell_len(r[i]) for r in cells)])
              for i, c in enumerate(result.columns)]
    # Wide enough for every column: a piped result is never cut to 80 columns.
    console = Console(file=io.StringIO(), width=sum(widths) + 3 * len(widths) + 4, record=True)
    console.print(table)
    lines = [line.rstrip() for line in console.export_text().splitlines()]
    return "\n".join([*lines, row_count(result)])


def _markdown(result: Result) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    rule = ["---:" if result.numeric(i) else "---" for i in range(len(result.columns))]
    body = [line(row) for row in _cells(result)]
    return "\n".join([line(result.columns), "|" + "|".join(rule) + "|", *body, "",
                      row_count(result)])


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value


def _csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_csv_value(v) for v in row] for row in result.rows)
    return buffer.getvalue().rstrip("\n")


def _json_value(value: object) -> object:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def _json(result: Result) -> str:
    records = [{c: _json_value(v) for c, v in zip(result.columns, row, strict=True)}
               for row in result.rows]
    return json.dumps(records, default=str, ensure_ascii=False, indent=1)
