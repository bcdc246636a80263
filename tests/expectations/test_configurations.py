"""Configurations built once per expectation change no verdict, and only while validating."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import duckdb
import great_expectations.expectations as gxe
import pytest

from expectations import runner
from expectations.configurations import built_once
from expectations.gate import run_gate
from tests.expectations.bad_data import CASES
from tests.expectations.gate_fixture import AS_OF

BROKEN = ("negative_price", "open_missing_from_a_full_bar", "duplicated_key", "fx_off_by_100x",
          "ipo_unknown_exchange", "nan")


def _results(con: duckdb.DuckDBPyConnection, results_dir: Path) -> list[dict[str, Any]]:
    run_gate(con, run_id="configured", as_of=AS_OF, results_dir=results_dir)
    return list(json.loads((results_dir / "configured.json").read_text())["results"])


def test_every_verdict_and_sample_is_what_configurations_rebuilt_on_each_access_give(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = [case for case in CASES if case.id in BROKEN]
    assert len(broken) == len(BROKEN)
    for case in broken:
        for statement in case.sql:
            warehouse.execute(statement)
    once = _results(warehouse, tmp_path / "once")
    monkeypatch.setattr(runner, "built_once", contextlib.nullcontext)
    rebuilt = _results(warehouse, tmp_path / "rebuilt")
    assert once == rebuilt
    assert sum(not result["success"] for result in once) >= len(BROKEN)


def test_outside_the_block_a_changed_expectation_reads_its_current_configuration() -> None:
    expectation = gxe.ExpectColumnValuesToNotBeNull(column="close")
    with built_once():
        first = expectation.configuration
        assert expectation.configuration is first
    expectation.column = "open"
    assert expectation.configuration.kwargs["column"] == "open"
    assert expectation.configuration is not expectation.configuration
