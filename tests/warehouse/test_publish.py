"""The atomic publish: a complete checked file or none, one Parquet set at a time."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import db, load, marts, publish, seeds
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
    """The extra tables the nightly flow publishes, one row each."""
    return {
        "publish_info": pl.DataFrame({"run_id": [run_id], "as_of_date": [AS_OF]}),
        "data_origins": pl.DataFrame({"source_file": ["snapshot/x.json"], "origin": ["real"]}),
        "ops_last_runs": pl.DataFrame({"run_id": [run_id], "status": ["published"]}),
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
    assert set(manifest) == set(publish.PUBLISHED_TABLES)
    assert {name: count for name, (count, _) in manifest.items()} == actual
    assert {run for _, run in manifest.values()} == {"run-1"}
    assert actual["ref_securities"] == seeds.read_seed("securities").height
    assert commented > 0
    assert publish.published_run_id(tmp_path) == "run-1"
    link = tmp_path / "marts"
    assert os.readlink(link) == f"{publish.PARQUET_VERSIONS}/run-1"
    assert sorted(p.name for p in link.iterdir()) == sorted(f"{m}.parquet" for m in marts.MARTS)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        publish.PARQUET_VERSIONS, "marts", "marts.duckdb"]


def test_each_publish_swaps_the_parquet_set_and_keeps_only_the_one_before(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    for run_id in ("run-1", "run-2", "run-3"):
        publish.publish(warehouse, tmp_path, run_id=run_id, extra_tables=extras(run_id))

    versions = tmp_path / publish.PARQUET_VERSIONS
    assert sorted(p.name for p in versions.iterdir()) == ["run-2", "run-3"]
    assert (tmp_path / "marts").resolve() == (versions / "run-3").resolve()
    assert publish.published_run_id(tmp_path) == "run-3"


def test_a_plain_parquet_directory_from_before_becomes_the_kept_set(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    legacy = tmp_path / "marts"
    legacy.mkdir()
    (legacy / "mart_valuation.parquet").write_bytes(b"old")

    publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    versions = tmp_path / publish.PARQUET_VERSIONS
    assert (versions / "legacy" / "mart_valuation.parquet").read_bytes() == b"old"
    assert (tmp_path / "marts").is_symlink()
    publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"))
    assert sorted(p.name for p in versions.iterdir()) == ["run-1", "run-2"]


def test_leftovers_of_a_killed_publish_are_removed(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    versions = tmp_path / publish.PARQUET_VERSIONS
    leftovers = [tmp_path / ".marts.dead.tmp", tmp_path / ".marts.dead.tmp.wal",
                 versions / "dead.tmp" / "mart_valuation.parquet"]
    for path in leftovers:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"half written")
    (tmp_path / ".marts.dead.link.tmp").symlink_to(f"{publish.PARQUET_VERSIONS}/dead.tmp")
    (versions / "unlinked").mkdir()

    removed = publish.remove_stale_temp_files(tmp_path)
    assert len(removed) == 4
    assert not any(path.exists() for path in leftovers)
    assert (versions / "run-1").is_dir()
    publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"))
    assert sorted(p.name for p in versions.iterdir()) == ["run-1", "run-2"]


def test_a_build_that_fails_leaves_the_published_file_untouched(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish.publish(warehouse, tmp_path, run_id="run-1", extra_tables=extras("run-1"))
    before = sha(tmp_path / "marts.duckdb")
    # Every table is copied by the time comments are; one that cannot apply stops the build.
    monkeypatch.setattr(publish, "_comment_statements",
                        lambda con: iter(["COMMENT ON TABLE pub.main.missing IS 'x'"]))
    with pytest.raises(duckdb.CatalogException):
        publish.publish(warehouse, tmp_path, run_id="run-2", extra_tables=extras("run-2"))
    assert sha(tmp_path / "marts.duckdb") == before
    assert not list(tmp_path.glob(".marts.*"))
    monkeypatch.undo()

    def crash(src: object, dst: object) -> None:
        raise OSError("killed before the rename")

    monkeypatch.setattr(publish.os, "replace", crash)
    with pytest.raises(OSError):
        publish.publish(warehouse, tmp_path, run_id="run-3", extra_tables=extras("run-3"))
    assert sha(tmp_path / "marts.duckdb") == before
    assert publish.published_run_id(tmp_path) == "run-1"
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
