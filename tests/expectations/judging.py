"""One suite's checks judged on the gate fixture warehouse, without running the whole gate."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

import duckdb

from expectations import gate
from expectations.checks import Check, SuiteInputs, read_sql
from expectations.history import history_views, stored_tables
from expectations.measures import measure_views
from expectations.runner import Outcome
from expectations.tables import run_check
from tests.expectations.gate_fixture import AS_OF

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition


@cache
def batch_definition() -> BatchDefinition:
    """The gate's own in-memory GX batch definition, built once per process."""
    return gate.batch_definition()


def inputs(con: duckdb.DuckDBPyConnection) -> SuiteInputs:
    """What the gate parameterises suites with for the fixture's as-of date."""
    codes = tuple(row[0] for row in con.execute(read_sql("seeded_indices.sql")).fetchall())
    return SuiteInputs(as_of=AS_OF, index_codes=codes)


@contextmanager
def gate_views(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = ()) -> Iterator[None]:
    """The temp views the gate registers before the checks of ``tables`` (of every dataset
    when none are named) run."""
    core = stored_tables(con)
    with history_views(con, core), measure_views(con, core, tables):
        yield


def judge(con: duckdb.DuckDBPyConnection, checks: Sequence[Check]) -> dict[str, Outcome]:
    """Every rule's outcome, by ``<suite>:<rule>``."""
    with gate_views(con, tuple(sorted({check.table for check in checks}))):
        return {f"{o.suite}:{o.rule}": o
                for check in checks for o in run_check(con, check, batch_definition())}


def broken(con: duckdb.DuckDBPyConnection, checks: Sequence[Check]) -> dict[str, Outcome]:
    """The outcomes of the rules that did not hold, by ``<suite>:<rule>``."""
    return {key: o for key, o in judge(con, checks).items() if not o.success}
