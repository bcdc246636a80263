"""The gate run on the suites of a few tables: a test of one table's rule need not pay for all.

The full gate still runs in every test of a clean batch (``test_clean_*``), which shows that the
other tables' suites pass on the same fixture. A test that judges only some rules' verdicts can
narrow further, to the checks holding those rules: each check's rules are judged on its own
query's frame, so the rules asked about reach the verdicts the whole suite would give them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from unittest import mock

import duckdb

from expectations import judges, suites
from expectations.checks import Check, SuiteInputs
from expectations.gate import GateResult, run_gate


def judge_here() -> None:
    """Stop the judging worker a ``cntech run`` in this process may have started: it builds its
    own suites, where a narrowing of the rules made here does not reach."""
    judges.stop()


def run_gate_on(con: duckdb.DuckDBPyConnection, *tables: str, run_id: str, as_of: date,
                results_dir: Path, rules: tuple[str, ...] = ()) -> GateResult:
    """``run_gate`` with only the suites of ``tables`` (every suite when none are named) and,
    when ``rules`` are named, only those suites' checks that hold one of them."""
    if not rules:
        return run_gate(con, run_id=run_id, as_of=as_of, results_dir=results_dir, tables=tables)
    judge_here()
    every = suites.all_checks

    def holding(inputs: SuiteInputs) -> list[Check]:
        checks = [check for check in every(inputs)
                  if any(rule.rule in rules for rule in check.rules)]
        named = {rule.rule for check in checks for rule in check.rules}
        assert set(rules) <= named, (rules, sorted(named))
        return checks

    with mock.patch.object(suites, "all_checks", holding):
        return run_gate(con, run_id=run_id, as_of=as_of, results_dir=results_dir, tables=tables)
