"""``cntech sql`` reads the published marts and nothing else, and never writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.query import QueryRefused, run_query


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A published marts file with one mart row and the run ledger, plus a stray Parquet copy."""
    with duckdb.connect(str(tmp_path / "marts.duckdb")) as con:
        con.execute("CREATE TABLE mart_index_performance AS SELECT 'STAR50' AS index_code, "
                    "DATE '2026-01-30' AS as_of_date, 1509.402 AS close")
        con.execute("CREATE TABLE ops_last_runs AS SELECT 'run-1' AS run_id, "
                    "'published' AS status")
        con.execute("COPY mart_index_performance TO ? (FORMAT parquet)",
                    [str(tmp_path / "mart.parquet")])
    return tmp_path


def digest(path: Path) -> str:
    """The file's bytes, hashed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_select_is_answered_in_every_format(data_dir: Path) -> None:
    query = "SELECT index_code, close FROM mart_index_performance"
    assert json.loads(run_query(data_dir, query, "json")) == [
        {"index_code": "STAR50", "close": "1509.402"}]
    assert run_query(data_dir, query, "csv") == "index_code,close\nSTAR50,1509.402"
    assert "physical_plan" in run_query(data_dir, "EXPLAIN " + query, "csv")
    assert "STAR50" in run_query(data_dir, "FROM mart_index_performance", "table")


@pytest.mark.parametrize("query", [
    "INSERT INTO ops_last_runs VALUES ('run-2', 'published')",
    "UPDATE ops_last_runs SET status = 'abandoned'",
    "DELETE FROM ops_last_runs",
    "CREATE TABLE t AS SELECT 1",
    "DROP TABLE mart_index_performance",
    "ALTER TABLE ops_last_runs ADD COLUMN x INT",
    "COPY mart_index_performance TO '{out}/copy.csv'",
    "COPY ops_last_runs FROM '{out}/in.csv'",
    "EXPORT DATABASE '{out}/export'",
    "ATTACH '{out}/other.duckdb' AS other",
    "DETACH marts",
    "INSTALL httpfs",
    "LOAD json",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "PRAGMA enable_profiling",
    "CALL pragma_version()",
    "CHECKPOINT",
    "VACUUM",
    "USE memory",
    "CREATE SECRET (TYPE s3, KEY_ID 'x', SECRET 'y')",
    "SELECT 1; SELECT 2",
    "SELECT 1; DROP TABLE mart_index_performance",
    "EXPLAIN ANALYZE COPY (SELECT 1) TO '{out}/explained.csv'",
    "EXPLAIN ANALYZE DELETE FROM ops_last_runs",
    "/* hidden */ EXPLAIN ANALYZE DELETE FROM ops_last_runs",
])
def test_statements_that_write_or_configure_are_refused(
    data_dir: Path, tmp_path_factory: pytest.TempPathFactory, query: str
) -> None:
    out = tmp_path_factory.mktemp("out")
    before = digest(data_dir / "marts.duckdb")
    with pytest.raises(QueryRefused):
        run_query(data_dir, query.format(out=out), "table")
    assert digest(data_dir / "marts.duckdb") == before
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("query", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_parquet('{data_dir}/mart.parquet')",
    "SELECT * FROM read_json_auto('{data_dir}/../x.json')",
    "SELECT * FROM duckdb_secrets()",
    "SELECT getenv('HOME')",
])
def test_files_and_the_environment_are_out_of_reach(data_dir: Path, query: str) -> None:
    with pytest.raises(QueryRefused):
        run_query(data_dir, query.format(data_dir=data_dir), "table")


def test_the_published_ledger_is_read_only_even_outside_cntech_sql(data_dir: Path) -> None:
    with duckdb.connect(str(data_dir / "marts.duckdb"), read_only=True) as con:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("DELETE FROM ops_last_runs")
        assert con.execute("SELECT count(*) FROM ops_last_runs").fetchall() == [(1,)]


def test_the_cli_refuses_with_one_line_and_exit_2(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["sql", "DELETE FROM ops_last_runs",
                                      "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    assert "only SELECT queries are allowed, not DELETE" in result.output
    assert "Traceback" not in result.output
