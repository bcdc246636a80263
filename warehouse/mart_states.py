"""Per-mart publish state: which date each published mart is as of, and whether it was held back.

A publish records one :class:`MartState` per mart in ``publish_info.marts`` and in the run's
ledger row (``ops_last_runs.marts``), both as JSON. A mart held back keeps the tables of the
version published before, so its as-of date is the one that version recorded for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb

from registry import DATASETS
from warehouse.marts import MARTS
from warehouse.versions import published_path

MartStatus = Literal["current", "held_back"]


@dataclass(frozen=True)
class MartState:
    """One published mart: the as-of date of its data, current or held back, and why."""

    mart: str
    as_of_date: date
    status: MartStatus = "current"
    reason: str = ""


def marts_reading(datasets: Iterable[str]) -> dict[str, list[str]]:
    """Each mart that reads any of ``datasets`` (as the registry declares), with those datasets."""
    wanted = set(datasets)
    reading: dict[str, list[str]] = {}
    for dataset in DATASETS:
        if dataset.name in wanted:
            for mart in dataset.marts:
                reading.setdefault(mart, []).append(dataset.name)
    return {mart: reading[mart] for mart in MARTS if mart in reading}


def to_json(states: Iterable[MartState]) -> str:
    """The states as the JSON list ``publish_info.marts`` and the ledger keep."""
    return json.dumps([{**asdict(s), "as_of_date": s.as_of_date.isoformat()} for s in states],
                      ensure_ascii=False)


def from_json(text: str | None, fallback: date | None) -> list[MartState]:
    """States read back; a version published before per-mart states was current throughout."""
    if not text:
        return [] if fallback is None else [MartState(mart, fallback) for mart in MARTS]
    return [MartState(item["mart"], date.fromisoformat(item["as_of_date"]), item["status"],
                      item.get("reason", "")) for item in json.loads(text)]


def published_states(data_dir: Path) -> dict[str, MartState]:
    """The live version's state per mart it holds; empty before the first publish."""
    path = published_path(data_dir)
    if not path.is_file():
        return {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}
        columns = {row[0] for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'publish_info'"
        ).fetchall()}
        rows = con.execute("SELECT as_of_date, marts FROM publish_info" if "marts" in columns
                           else "SELECT as_of_date, NULL FROM publish_info").fetchall()
    if not rows:
        return {}
    as_of, text = rows[0]
    return {state.mart: state for state in from_json(text, as_of) if state.mart in tables}
