"""What sits behind each chart and table: its SQL to read and its rows to download as CSV."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, is_dataclass
from datetime import date
from typing import Any

import polars as pl

from reporting.marts import SQL_DIR


def csv_href(rows: pl.DataFrame | list[Any] | tuple[Any, ...]) -> str:
    """Rows (a frame, dicts or dataclasses) as a CSV data URI: a download needing no server."""
    if isinstance(rows, pl.DataFrame):
        frame = rows
    else:
        dicts = [asdict(r) if is_dataclass(r) and not isinstance(r, type) else r for r in rows]
        frame = pl.DataFrame(dicts, infer_schema_length=None)
    # Nested columns (lists, structs) have no CSV form; they are written as their JSON text.
    nested = [c for c, t in frame.schema.items() if isinstance(t, (pl.List, pl.Struct))]
    flat = frame.with_columns(
        pl.Series(c, [json.dumps(v, default=str) for v in frame[c].to_list()])
        for c in nested)
    payload = base64.b64encode(flat.write_csv().encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{payload}"


def sql_sources(names: tuple[str, ...], as_of: date | None) -> list[dict[str, str]]:
    """The text of each query behind a chart or table, with the value ``$as_of`` was bound to."""
    sources = []
    for name in names:
        text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8").strip()
        bound = as_of is not None and "$as_of" in text
        sources.append({"name": f"{name}.sql", "text": text,
                        "params": f"$as_of = DATE '{as_of}'" if bound else ""})
    return sources
