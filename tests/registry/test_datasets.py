"""The registry is the one declaration of each dataset: the SQL tables agree with it."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from registry import DATASETS, STAGING_TABLES, Dataset, by_name
from tests.conftest import REPO
from warehouse import db, load

DUCKDB_TYPES = {pl.String: "VARCHAR", pl.Date: "DATE", pl.Float64: "DOUBLE",
                pl.Int32: "INTEGER"}


@pytest.fixture(scope="module")
def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    db.apply_ddl(con)
    return con


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, table]).fetchall()]


def _declared(dataset: Dataset) -> list[tuple[str, str]]:
    return [(name, DUCKDB_TYPES[type(dtype)]) for name, dtype in dataset.schema.items()]


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_staging_table_matches_its_declared_schema(
    warehouse: duckdb.DuckDBPyConnection, dataset: Dataset
) -> None:
    assert _columns(warehouse, "staging", dataset.name) == [
        *_declared(dataset), ("source_file", "VARCHAR")]


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_core_table_holds_the_schema_and_a_restated_key_replaces_its_row(
    dataset: Dataset,
) -> None:
    con = duckdb.connect()
    db.apply_ddl(con)
    assert _columns(con, "core", dataset.name) == [
        *_declared(dataset), ("loaded_run_id", "VARCHAR")]
    for run_id in ("first", "restated"):
        load.set_run_context(con, run_id=run_id, as_of=date(2026, 1, 30), source="snapshot")
        load.stage(con, dataset.name, _one_row(dataset))
        load.merge_core(con)
    # The table is keyed by the declaration alone: the second merge replaced the first's row.
    assert con.execute(f"SELECT {', '.join(dataset.keys)}, loaded_run_id FROM core.{dataset.name}"
                       ).fetchall() == [(*_one_row(dataset).select(dataset.keys).row(0),
                                         "restated")]


def _one_row(dataset: Dataset) -> pl.DataFrame:
    values = {pl.String: "X", pl.Date: date(2026, 1, 30), pl.Float64: 1.0, pl.Int32: 2026}
    return pl.DataFrame([{name: values[type(dtype)] for name, dtype in dataset.schema.items()}
                         | {"source_file": "f.json"}], schema=dataset.staging_schema)


def test_every_table_with_sql_is_registered_and_every_registered_table_has_sql() -> None:
    for folder in ("staging", "core"):
        stems = {path.stem for path in (REPO / "warehouse" / folder).glob("*.sql")}
        assert set(STAGING_TABLES) <= stems
    staging = {path.stem for path in (REPO / "warehouse/staging").glob("*.sql")}
    assert staging == set(STAGING_TABLES)


def test_every_dataset_has_a_gate_suite() -> None:
    suites = {path.stem for path in (REPO / "expectations/suites").glob("*.py")}
    assert set(STAGING_TABLES) <= suites


def test_declarations_refuse_columns_outside_the_schema() -> None:
    with pytest.raises(ValueError, match="not in the schema"):
        Dataset(name="bad", description="", schema=pl.Schema({"a": pl.Date}), keys=("b",),
                date="a")


def test_unknown_dataset_names_are_refused() -> None:
    assert by_name("margin").series == "exchange"
    with pytest.raises(ValueError, match="unknown dataset"):
        by_name("quotes")


def test_bounds_are_ordered_and_units_known() -> None:
    for dataset in DATASETS:
        for measure in dataset.measures:
            if measure.low is not None and measure.high is not None:
                assert measure.low < measure.high, (dataset.name, measure.name)
            assert measure.shift is None or measure.shift > 1
            assert measure.step is None or measure.step > 1
