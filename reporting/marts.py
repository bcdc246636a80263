"""Read-only access to the published marts file for the report, the docs and ``cntech status``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from errors import CntechError
from warehouse.publish import published_path

SQL_DIR = Path(__file__).resolve().parent / "sql"
GATE_DIR_NAME = "gate"


class MartsUnavailable(CntechError, RuntimeError):
    """There is no readable published marts file (not yet published, or from another version)."""


@contextmanager
def open_marts(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published ``marts.duckdb``, opened read-only with external file access off.

    Only the published copy is read: the writer's ``warehouse.duckdb`` may be locked by a run.
    """
    path = published_path(data_dir)
    if not path.is_file():
        raise MartsUnavailable(
            f"There are no published marts at {path}. Run `cntech run` (or `make run`) first, "
            "or point --data-dir (CNTECH_DATA_DIR) at the directory a run published to."
        )
    try:
        con = duckdb.connect(str(path), read_only=True,
                             config={"enable_external_access": False})
    except duckdb.Error as exc:
        raise MartsUnavailable(f"Cannot open the published marts at {path}: {exc}") from exc
    try:
        yield con
    finally:
        con.close()


class AsOfUnavailable(MartsUnavailable):
    """The marts hold no data for the requested report date."""


def resolve_as_of(con: duckdb.DuckDBPyConnection, requested: date | str | None,
                  published: date) -> date:
    """The report date: ``requested`` when the marts hold that trade date, else the published one.

    Raises AsOfUnavailable, in one line naming the range the marts hold, for any other date.
    """
    if requested is None:
        return published
    try:
        day = requested if isinstance(requested, date) else date.fromisoformat(requested)
    except ValueError:
        raise AsOfUnavailable(f"--as-of must be a date as YYYY-MM-DD, not {requested!r}.") from None
    first, last, present = query(con, "trade_dates", as_of=day).row(0)
    if not present:
        held = f"published trade dates run {first} to {last}" if first else "none are published"
        raise AsOfUnavailable(f"No data for {day}: {held}.")
    return day


def query_text(name: str) -> str:
    """The text of ``sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run ``sql/<name>.sql`` with named parameters and return its rows as a frame."""
    text = query_text(name)
    try:
        return con.sql(text, params=params or None).pl()
    except duckdb.Error as exc:
        raise MartsUnavailable(
            f"The published marts lack what query {name!r} needs ({exc}). The file was probably "
            "published by another version of cntech: rerun `cntech run` to republish it."
        ) from exc


def gate_results(data_dir: Path) -> dict[str, Any] | None:
    """The last quality-gate run's results (``gate/latest.json``), or None before any run."""
    path = data_dir / GATE_DIR_NAME / "latest.json"
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MartsUnavailable(f"Cannot read the gate results at {path}: {exc}") from exc
    if not isinstance(doc, dict) or "results" not in doc:
        raise MartsUnavailable(f"{path} is not a gate results file (no 'results' list)")
    return doc


def gate_counts(doc: dict[str, Any]) -> dict[str, int]:
    """Checks run, passed, failing (blocking) and warning in one gate results document."""
    results = doc.get("results", [])
    broken = [r for r in results if not r.get("success")]
    return {
        "checks": len(results),
        "passed": len(results) - len(broken),
        "failing": sum(r.get("severity") == "fail" for r in broken),
        "warning": sum(r.get("severity") == "warn" for r in broken),
    }
