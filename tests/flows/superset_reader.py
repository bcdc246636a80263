"""Superset's side of the reader tests, run in its own process on its own SQLAlchemy.

``python -m tests.flows.superset_reader inspect MARTS`` prints what Superset's dataset editor
reads (tables, columns with comments, a table comment, a count, the refusal of a write);
``... loop MARTS STOP_FILE`` queries until STOP_FILE exists and prints a summary. Both connect
through duckdb-engine with the README's URI (``access_mode=read_only``), one connection per
query as Superset does (``NullPool``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa


def engine(marts: str) -> sa.Engine:
    """The engine Superset builds from the README's SQLAlchemy URI."""
    return sa.create_engine(f"duckdb:///{marts}?access_mode=read_only",
                            poolclass=sa.pool.NullPool)


def inspect(marts: str) -> dict[str, Any]:
    """Tables, a mart's columns and comments, a table comment, a count and a refused write."""
    with engine(marts).connect() as con:
        inspector = sa.inspect(con)
        columns = inspector.get_columns("mart_index_performance")
        [(rows,)] = con.execute(sa.text("SELECT count(*) FROM mart_index_performance"))
        seen = {
            "sqlalchemy": sa.__version__,
            "tables": inspector.get_table_names(),
            "columns": {c["name"]: c.get("comment") for c in columns},
            "table_comment": inspector.get_table_comment("ref_indices")["text"],
            "rows": rows, "refusal": "",
        }
    with engine(marts).connect() as con:
        try:
            con.execute(sa.text("DELETE FROM ops_last_runs"))
        except sa.exc.DBAPIError as exc:
            seen["refusal"] = str(exc.orig)
    return seen


def loop(marts: str, stop_file: str) -> dict[str, Any]:
    """Query one version at a time until told to stop; every error is reported."""
    reads, errors, seen = 0, [], set()
    while not Path(stop_file).exists() or reads == 0:
        try:
            with engine(marts).connect() as con:
                [(run_id,)] = con.execute(sa.text("SELECT run_id FROM publish_info"))
                [(n,)] = con.execute(sa.text("SELECT count(*) FROM mart_valuation"))
                [(m,)] = con.execute(sa.text("SELECT row_count FROM publish_manifest "
                                             "WHERE table_name = 'mart_valuation'"))
            reads += 1
            seen.add(run_id)
            if n != m:
                errors.append(f"{run_id}: {n} rows, manifest says {m}")
        except sa.exc.DBAPIError as exc:
            errors.append(str(exc.orig))
        time.sleep(0.01)
    return {"reads": reads, "errors": errors[:20], "versions": sorted(seen)}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps(inspect(*args) if command == "inspect" else loop(*args), default=str))
