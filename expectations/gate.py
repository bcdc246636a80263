"""The quality gate every staged run passes before anything is merged or published."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from expectations import gx, judges
from expectations.checks import SuiteInputs, read_sql
from expectations.history import history_views, stored_tables
from expectations.measures import measure_views
from expectations.samples import with_files
from warehouse.files import write_atomically

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition

    from expectations.runner import Outcome

SUMMARY_SAMPLE_ROWS = 3
_preloading: list[threading.Thread] = []


def preload() -> None:
    """Import Great Expectations in the background, once per process.

    The import takes seconds; a flow starts it before parsing, which runs in worker processes
    or threads and leaves this one waiting, so the gate does not pay it on the critical path.
    A process whose frames go to a judging worker (:mod:`expectations.judges`) skips it.
    """
    if not _preloading and not judges.started():
        thread = threading.Thread(target=gx.load, name="preload-great-expectations",
                                  daemon=True)
        _preloading.append(thread)
        thread.start()


@dataclass(frozen=True)
class Failure:
    """A rule that did not hold, with up to five offending rows to go and look at."""

    table: str
    rule: str
    severity: str
    message: str
    unexpected_count: int
    sample: list[dict]


@dataclass(frozen=True)
class GateResult:
    """The verdict of one gate run; `passed` is False when any fail-severity rule broke."""

    run_id: str
    as_of: date
    passed: bool
    checks_run: int
    failures: list[Failure]
    results_path: Path
    # Staging tables whose row-level unique_key rule held: their staged keys are proved distinct.
    keys_proved: frozenset[str] = frozenset()

    def summary(self) -> str:
        """Human-readable verdict: each broken rule, its row count and sample keys."""
        verdict = "PASSED" if self.passed else "FAILED"
        blocking = sum(failure.severity == "fail" for failure in self.failures)
        lines = [
            f"Quality gate {self.run_id} as of {self.as_of.isoformat()}: {verdict} "
            f"({self.checks_run} checks, {blocking} failing, "
            f"{len(self.failures) - blocking} warning)"
        ]
        # What blocked the run first: a length-capped copy (the run ledger) keeps it.
        for failure in sorted(self.failures, key=lambda failure: failure.severity != "fail"):
            lines.append(f"  [{failure.severity}] {failure.message}")
            for row in failure.sample[:SUMMARY_SAMPLE_ROWS]:
                lines.append("      " + " ".join(f"{k}={_short(v)}" for k, v in row.items()))
        lines.append(f"  results: {self.results_path}")
        return "\n".join(lines)


def run_gate(
    con: duckdb.DuckDBPyConnection, *, run_id: str, as_of: date, results_dir: Path,
    tables: tuple[str, ...] = (),
) -> GateResult:
    """Validate every staging table against its suite (only ``tables``' suites when named) and
    write the results as JSON.

    Writes `results_dir/<run_id>.json` and `results_dir/latest.json`, each atomically. The
    connection is only read from; the temp views the checks need are dropped before returning.
    """
    if Path(run_id).name != run_id:
        raise ValueError(f"run_id must be usable as a file name: {run_id!r}")
    started = time.perf_counter()
    inputs = SuiteInputs(
        as_of=as_of,
        index_codes=_column(con, "seeded_indices.sql"),
        tables=tables,
    )
    core_tables = stored_tables(con)
    with (judges.readers(con) as beside, history_views(con, core_tables, also=beside),
          measure_views(con, core_tables, tables, also=beside)):
        outcomes = judges.judged(con, inputs, beside)
    outcomes = with_files(con, outcomes)
    failures = [
        Failure(o.table, o.rule, o.severity, o.message, o.unexpected_count, o.sample)
        for o in outcomes
        if not o.success
    ]
    passed = not any(failure.severity == "fail" for failure in failures)
    results_path = results_dir / f"{run_id}.json"
    _write_results(
        results_dir,
        results_path,
        {
            "run_id": run_id,
            "as_of": as_of.isoformat(),
            "passed": passed,
            "checks_run": len(outcomes),
            "failures": len(failures),
            "seconds": round(time.perf_counter() - started, 3),
            "results": [asdict(outcome) for outcome in outcomes],
        },
    )
    return GateResult(run_id, as_of, passed, len(outcomes), failures, results_path,
                      keys_proved(outcomes))


def keys_proved(outcomes: list[Outcome]) -> frozenset[str]:
    """The tables whose staged natural keys the gate proved distinct: their row-level check
    (the suite named for the table, validating every staged row) held its ``unique_key`` rule."""
    return frozenset(o.table for o in outcomes
                     if o.row_level and o.rule == "unique_key" and o.success)


def quiet_context(data_docs_sites: dict[str, Any] | None = None) -> Any:
    """An ephemeral GX context: stores in memory, no progress bars on a scheduled run's log,
    no analytics, and no data-docs site unless ``data_docs_sites`` names one."""
    great_expectations = gx.load()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
        data_docs_sites=data_docs_sites,
    )
    return great_expectations.get_context(mode="ephemeral", project_config=config)


@cache
def batch_definition() -> BatchDefinition:
    """An in-memory GX context's whole-frame batch definition for the check frames, built once
    per process: every gate judges its frames as throwaway batches of the same asset."""
    context = quiet_context()
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under HASH_THRESHOLD bytes by hashing all of its rows,
    # only to label the batch; the gate's batches are throwaway frames never looked up again,
    # and hashing them cost more than validating a full-market partition.
    pandas_execution_engine.HASH_THRESHOLD = 0
    return (
        context.data_sources.add_pandas("staging")
        .add_dataframe_asset("check_frame")
        .add_batch_definition_whole_dataframe("whole_frame")
    )


def _short(value: object) -> object:
    return f"{value:.6g}" if isinstance(value, float) else value


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[str, ...]:
    return tuple(row[0] for row in con.execute(read_sql(sql)).fetchall())


def _write_results(results_dir: Path, results_path: Path, payload: dict) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    for target in (results_path, results_dir / "latest.json"):
        # Readers polling latest.json must never see a half-written file.
        write_atomically(target, text)
