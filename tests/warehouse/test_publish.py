"""The atomic publish: a complete checked file or none, one Parquet set at a time."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from warehouse import db, load, mart_states, marts, publish, seeds, versions
from warehouse.lock import UnsafePathError

AS_OF = date(2026, 1, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's DDL, reference seeds and mart SQL over an empty core, built once."""
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        db.apply_ddl(con)
        seeds.load_seeds(con)
        load.set_run_context(con, run_id="template", as_of=AS_OF, source="snapshot")
        marts.build_marts(con)
    return path


@pytest.fixture
def warehouse(template: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable in-memory copy of the template warehouse."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS template (READ_ONLY)", [str(template)])
    con.execute("COPY FROM DATABASE template TO memory")
    con.execute("DETACH template")
    yield con
    con.close()


def extras(run_id: str) -> dict[str, pl.DataFrame]:
    """The extra tables the nightly flow publishes, shaped as it shapes them, one row each."""
    now = datetime(2026, 1, 30, 14, 0, tzinfo=UTC)
    return {
        "publish_info": pl.DataFrame({
            "run_id": [run_id], "as_of_date": [AS_OF], "source": ["snapshot"],
            "published_at": [now], "gate_checks_run": [12]}),
        "data_origins": pl.DataFrame({
            "source_file": ["eastmoney/kline/STAR50.json"], "provider": ["eastmoney"],
            "endpoint": ["index_kline"], "subject": ["STAR50"], "origin": ["recorded"],
            "origin_detail": [""], "repairs": ["[]"], "dataset": ["index_bars"]}),
        "ops_last_runs": pl.DataFrame({
            "run_id": [run_id], "started_at": [now], "finished_at": [now], "as_of_date": [AS_OF],
            "source": ["snapshot"], "status": ["published"], "row_counts": ['{"index_bars": 1}'],
            "gate_passed": [True], "gate_failures": [0], "published_at": [now],
            "message": ["12 checks passed"]}),
    }


def sha(path: Path) -> str:
    """The file's bytes, hashed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_writes_one_complete_version(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))

    assert path == tmp_path / "marts.duckdb"
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        manifest = {name: (count, run) for name, count, run in con.execute(
            "SELECT table_name, row_count, run_id FROM publish_manifest").fetchall()}
        actual = {name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
                  for name in manifest}
        commented = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'mart_index_performance' "
            "AND comment IS NOT NULL").fetchall()[0][0]
    assert tables == {*publish.PUBLISHED_TABLES, publish.MANIFEST_TABLE}
    assert publish.storage_version_of(path) == 64
    assert set(manifest) == set(publish.PUBLISHED_TABLES)
    assert {name: count for name, (count, _) in manifest.items()} == actual
    assert {run for _, run in manifest.values()} == {"run-1"}
    assert actual["ref_securities"] == seeds.read_seed("securities").height
    assert commented > 0
    assert publish.published_run_id(tmp_path) == "run-1"
    link = tmp_path / "marts"
    assert os.readlink(link) == f"{versions.VERSIONS_DIR}/run-1/parquet"
    assert sorted(p.name for p in link.iterdir()) == sorted(
        f"{t}.parquet" for t in (*publish.PUBLISHED_TABLES, publish.MANIFEST_TABLE))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        versions.VERSIONS_DIR, "marts", "marts.duckdb"]
    [kept] = versions.list_versions(tmp_path)
    assert sha(kept.marts_file) == sha(path)


def test_every_parquet_file_carries_its_descriptions(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    with duckdb.connect(str(path), read_only=True) as con:
        comments = {(t, c): comment for t, c, comment in con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = current_database()").fetchall()}
    for table in (*publish.PUBLISHED_TABLES, publish.MANIFEST_TABLE):
        parquet = tmp_path / "marts" / f"{table}.parquet"
        meta = {k.decode(): v.decode() for k, v in pq.read_metadata(parquet).metadata.items()}
        columns = json.loads(meta["column_descriptions"])
        assert meta["table"] == table
        assert meta["description"], table
        assert list(columns) == pq.read_schema(parquet).names
        assert columns == {c: comments[table, c] for c in columns}
        assert all(columns.values()), table
        schema = pq.read_schema(parquet)
        assert {f.name: (f.metadata or {}).get(b"description", b"").decode()
                for f in schema} == columns


def test_the_last_versions_are_kept_and_the_link_moves_to_the_newest(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    for run_id in ("run-1", "run-2", "run-3", "run-4"):
        publish.publish(warehouse, tmp_path, run_id=run_id, extra_tables=extras(run_id),
                        keep_versions=3)

    kept = versions.list_versions(tmp_path)
    assert [v.run_id for v in kept] == ["run-4", "run-3", "run-2"]
    assert (tmp_path / "marts").resolve() == kept[0].parquet.resolve()
    assert versions.live_run_id(tmp_path) == "run-4"
    assert publish.published_run_id(tmp_path) == "run-4"
    assert sha(kept[0].marts_file) == sha(tmp_path / "marts.duckdb")


def test_a_plain_parquet_directory_from_before_becomes_the_kept_set(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    legacy = tmp_path / "marts"
    legacy.mkdir()
    (legacy / "mart_valuation.parquet").write_bytes(b"old")

    publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    legacy_sets = tmp_path / versions.LEGACY_PARQUET
    assert (legacy_sets / "legacy" / "mart_valuation.parquet").read_bytes() == b"old"
    assert (tmp_path / "marts").is_symlink()
    publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"))
    assert not legacy_sets.exists()
    assert [v.run_id for v in versions.list_versions(tmp_path)] == ["run-2", "run-1"]


def test_leftovers_of_a_killed_publish_are_removed(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    kept = tmp_path / versions.VERSIONS_DIR
    leftovers = [tmp_path / ".marts.dead.tmp", tmp_path / ".marts.dead.tmp.wal",
                 kept / "dead.tmp" / "parquet" / "mart_valuation.parquet"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half written")
    (tmp_path / ".marts.dead.link.tmp").symlink_to(f"{versions.VERSIONS_DIR}/dead.tmp")

    removed = publish.remove_stale_temp_files(tmp_path)
    assert len(removed) == 4
    assert not any(path.exists() for path in leftovers)
    assert (kept / "run-1").is_dir()
    publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"))
    assert [v.run_id for v in versions.list_versions(tmp_path)] == ["run-2", "run-1"]


def test_a_build_that_fails_leaves_the_published_file_untouched(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    before = sha(tmp_path / "marts.duckdb")
    # Every table is copied by the time comments are; one that cannot apply stops the build.
    monkeypatch.setattr(publish, "_comment_statements",
                        lambda con, extra: iter(["COMMENT ON TABLE pub.main.missing IS 'x'"]))
    with pytest.raises(duckdb.CatalogException):
        publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"))
    assert sha(tmp_path / "marts.duckdb") == before
    assert not list(tmp_path.glob(".marts.*"))
    assert not list(tmp_path.glob(f"{versions.VERSIONS_DIR}/*.tmp"))
    assert [v.run_id for v in versions.list_versions(tmp_path)] == ["run-1"]
    monkeypatch.undo()

    def crash(src: object, dst: object) -> None:
        raise OSError("killed before the rename")

    monkeypatch.setattr(versions.os, "replace", crash)
    with pytest.raises(OSError):
        publish.publish(warehouse, tmp_path, run_id="run-3", extra_tables=extras("run-3"))
    assert sha(tmp_path / "marts.duckdb") == before
    assert publish.published_run_id(tmp_path) == "run-1"
    assert [v.run_id for v in versions.list_versions(tmp_path)] == ["run-1"]
    monkeypatch.undo()
    publish.publish(warehouse, tmp_path, run_id="run-4", extra_tables=extras("run-4"))
    assert not list(tmp_path.glob(".marts.*"))
    assert publish.published_run_id(tmp_path) == "run-4"


@pytest.mark.parametrize("run_id", ["../escape", "a/b", ".hidden", "", "x" * 200, "a b"])
def test_unsafe_run_ids_are_refused_before_anything_is_written(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, run_id: str
) -> None:
    with pytest.raises(UnsafePathError):
        publish.publish(warehouse, tmp_path, run_id=run_id, extra_tables=extras("x"))
    assert list(tmp_path.iterdir()) == []


def test_only_listed_tables_are_published(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    evil = extras("run-1") | {"x; DROP TABLE marts.mart_valuation; --": pl.DataFrame({"a": [1]})}
    with pytest.raises(ValueError, match="not a publishable table"):
        publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=evil)
    assert not (tmp_path / "marts.duckdb").exists()


def test_published_run_id_before_the_first_publish(tmp_path: Path) -> None:
    assert publish.published_run_id(tmp_path) is None


def test_every_published_table_and_column_is_described(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("SELECT table_name FROM duckdb_tables() "
                             "WHERE coalesce(comment, '') = ''").fetchall()
        columns = con.execute("SELECT table_name || '.' || column_name FROM duckdb_columns() "
                              "WHERE database_name = current_database() "
                              "AND coalesce(comment, '') = ''").fetchall()
    assert tables == []
    assert columns == []


@pytest.mark.parametrize("version", ["v1.2.0", "v1.4.0"])
def test_the_storage_version_is_a_setting(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, version: str
) -> None:
    path = publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"),
                           storage_version=version)
    assert publish.storage_version_of(path) == {"v1.2.0": 65, "v1.4.0": 67}[version]
    with pytest.raises(ValueError, match="storage version"):
        publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"),
                        storage_version="latest'); DROP TABLE x; --")


def test_run_tables_of_another_shape_still_publish_with_what_is_described(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    tables = extras("run-1")
    tables["data_origins"] = tables["data_origins"].drop("repairs").with_columns(
        added_later=pl.lit(1))
    path = publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=tables)
    with duckdb.connect(str(path), read_only=True) as con:
        comments = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() "
                                    "WHERE table_name = 'data_origins'").fetchall())
    assert comments["added_later"] is None
    assert "repairs" not in comments and comments["origin"]


def test_a_held_back_mart_keeps_the_rows_of_the_live_version(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("INSERT INTO marts.mart_margin_financing DEFAULT VALUES")
    first = publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    kept = sha(first)
    # A version without per-mart states was current throughout.
    assert mart_states.published_states(tmp_path) == {
        mart: mart_states.MartState(mart, AS_OF) for mart in marts.MARTS}
    warehouse.execute("DELETE FROM marts.mart_margin_financing")
    warehouse.execute("INSERT INTO marts.mart_ipo_monthly DEFAULT VALUES")

    path = publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"),
                           held_back=["mart_margin_financing"])

    with duckdb.connect(str(path), read_only=True) as con:
        counts = dict(con.execute("SELECT table_name, row_count FROM publish_manifest "
                                  "WHERE run_id = 'run-2'").fetchall())
        commented = con.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'mart_margin_financing' "
            "AND comment IS NOT NULL").fetchall()[0][0]
    assert (counts["mart_margin_financing"], counts["mart_ipo_monthly"]) == (1, 1)
    assert commented > 0
    assert pq.read_table(tmp_path / "marts" / "mart_margin_financing.parquet").num_rows == 1
    assert publish.published_run_id(tmp_path) == "run-2"
    assert sha(versions.find_version(tmp_path, "run-1").marts_file) == kept
