"""``cntech sql`` reads the published marts and nothing else, and never writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from reporting.query import QueryRefused, QueryTimedOut, run_query


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A published marts file with one mart row and the run ledger, plus a stray Parquet copy."""
    with duckdb.connect(str(tmp_path / "marts.duckdb")) as con:
        con.execute("CREATE TABLE mart_index_performance AS SELECT 'STAR50' AS index_code, "
                    "DATE '2026-01-30' AS trade_date, 1509.402 AS close, "
                    "0.12637107573277784 AS ret_ytd, 0.2101234::DOUBLE AS vol_20d")
        con.execute("COMMENT ON COLUMN mart_index_performance.ret_ytd IS "
                    "'Year-to-date return, fraction.'")
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


def test_the_table_rounds_shows_fractions_as_percentages_and_counts_rows(data_dir: Path) -> None:
    text = run_query(data_dir, "SELECT index_code, close, ret_ytd, vol_20d, true AS ok "
                               "FROM mart_index_performance", "table")
    lines = text.splitlines()
    header = next(line for line in lines if "index_code" in line)
    row = next(line for line in lines if "STAR50" in line)
    assert "1,509.40" in row and "12.64%" in row and "0.2101" in row and "true" in row
    assert "0.12637" not in text
    # Numbers are right-aligned under their headers.
    assert row.index("12.64%") + len("12.64%") == header.index("ret_ytd") + len("ret_ytd")
    assert lines[-1] == "1 row"
    markdown = run_query(data_dir, "SELECT index_code, ret_ytd FROM mart_index_performance",
                         "markdown")
    assert markdown.splitlines()[:3] == ["| index_code | ret_ytd |", "|---|---:|",
                                         "| STAR50 | 12.64% |"]
    assert markdown.endswith("1 row")


def test_wide_results_are_never_cut(data_dir: Path) -> None:
    columns = ", ".join(f"'{'v' * 30}' AS column_{i:02d}" for i in range(12))
    result = CliRunner().invoke(app, ["sql", f"SELECT {columns}", "--data-dir", str(data_dir)])
    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if "vvv" in line)
    assert row.count("v" * 30) == 12 and "…" not in result.output


def test_csv_and_json_keep_types_for_programs(data_dir: Path) -> None:
    query = ("SELECT true AS ok, false AS bad, [1, 2] AS xs, {'a': 1, 'b': 'x'} AS s, "
             "NULL AS n, 0.12637107573277784::DOUBLE AS r")
    assert run_query(data_dir, query, "csv").splitlines() == [
        "ok,bad,xs,s,n,r", 'true,false,"[1, 2]","{""a"": 1, ""b"": ""x""}",,0.12637107573277784']
    assert json.loads(run_query(data_dir, query, "json")) == [
        {"ok": True, "bad": False, "xs": [1, 2], "s": {"a": 1, "b": "x"}, "n": None,
         "r": 0.12637107573277784}]


def test_a_query_past_its_limit_is_interrupted_and_exits_2(data_dir: Path) -> None:
    endless = "SELECT count(*) FROM range(1000000000000)"
    with pytest.raises(QueryTimedOut, match="0.5 s limit"):
        run_query(data_dir, endless, "table", timeout=0.5)
    result = CliRunner().invoke(app, ["sql", endless, "--timeout", "0.5",
                                      "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    assert "0.5 s limit" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("query", [
    "EXPLAIN (FORMAT json) SELECT * FROM mart_index_performance",
    "EXPLAIN (FORMAT json) DELETE FROM ops_last_runs",
    "EXPLAIN (ANALYZE, FORMAT json) DELETE FROM ops_last_runs",
    "EXPLAIN ANALYZE SELECT 1",
    "DESCRIBE mart_index_performance",
    "SUMMARIZE mart_index_performance",
    "SHOW TABLES",
    "FROM mart_index_performance",
    "VALUES (1, 'a')",
    "WITH t AS (SELECT 1 AS x) SELECT * FROM t",
    "PIVOT mart_index_performance ON index_code USING sum(close)",
    "SELECT 1 UNION ALL SELECT 2",
    "SELECT 'x'::INTEGER",
    "SELECT * FROM no_such_table",
    "SELECT (",
    "",
])
def test_every_statement_form_runs_or_exits_2_with_one_line(data_dir: Path, query: str) -> None:
    result = CliRunner().invoke(app, ["sql", query, "--data-dir", str(data_dir)])
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [
    ["run"], ["backfill"], ["sql"], ["versions"], ["rollback"], ["report"], ["docs"],
    ["status"], ["snapshot", "record"]])
def test_every_help_ends_with_an_example(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    last = [line.strip() for line in result.output.splitlines() if line.strip()][-1]
    assert last.startswith(f"Example: cntech {' '.join(command)} "), last
