"""The gate run on the suites of a few tables: a test of one table's rule need not pay for all.

The full gate still runs in every test of a clean batch (``test_clean_*``), which shows that the
other tables' suites pass on the same fixture.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from unittest import mock

import duckdb

from expectations import suites
from expectations.gate import GateResult, run_gate


def run_gate_on(con: duckdb.DuckDBPyConnection, *tables: str, run_id: str, as_of: date,
                results_dir: Path) -> GateResult:
    """``run_gate`` with only the suites of ``tables`` (every suite when none are named)."""
    chosen = tuple(suite for suite in suites.SUITES
                   if not tables or getattr(suite, "TABLE", None) in tables)
    assert not tables or len(chosen) == len(set(tables)), (tables, chosen)
    with mock.patch.object(suites, "SUITES", chosen):
        return run_gate(con, run_id=run_id, as_of=as_of, results_dir=results_dir)
