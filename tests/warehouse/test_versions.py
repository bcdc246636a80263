"""Kept versions on disk: what stays, what the link points at and what a rollback restores.

The module moves files and never opens them, so a version's ``marts.duckdb`` here is a few
distinct bytes; ``tests/warehouse/test_publish.py`` covers versions written by a real publish.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from warehouse import versions
from warehouse.lock import UnsafePathError

SECOND = 1_000_000_000


def publish(data_dir: Path, run_id: str, *, keep: int = 3, at: int = 0) -> Path:
    """What a publish hands to ``swap_in``: a checkpointed file and a version with its Parquet."""
    building = versions.start_version(data_dir, run_id)
    (versions.parquet_dir(building) / "mart_valuation.parquet").write_bytes(
        f"PAR1 {run_id}".encode())
    tmp = data_dir / f".marts.{run_id}.tmp"
    tmp.write_bytes(f"marts of {run_id}".encode())
    final = versions.swap_in(data_dir, tmp, building, run_id, keep=keep)
    kept = data_dir / versions.VERSIONS_DIR / run_id / versions.PUBLISHED_NAME
    if at:
        # File times of writes a moment apart can tie: each version gets its own second.
        os.utime(kept, ns=(at * SECOND, at * SECOND))
    return final


def kept(data_dir: Path) -> list[str]:
    return [v.run_id for v in versions.list_versions(data_dir)]


def test_a_swap_makes_the_file_and_its_parquet_set_live(tmp_path: Path) -> None:
    final = publish(tmp_path, "run-1")

    assert final == versions.published_path(tmp_path) == tmp_path / "marts.duckdb"
    assert final.read_bytes() == b"marts of run-1"
    assert not (tmp_path / ".marts.run-1.tmp").exists()
    assert os.readlink(tmp_path / "marts") == ".marts-versions/run-1/parquet"
    assert (tmp_path / "marts" / "mart_valuation.parquet").read_bytes() == b"PAR1 run-1"
    assert versions.live_run_id(tmp_path) == "run-1"
    [version] = versions.list_versions(tmp_path)
    assert version.marts_file.read_bytes() == b"marts of run-1"
    assert version.parquet == tmp_path / ".marts-versions/run-1/parquet"


def test_the_newest_are_kept_with_the_live_and_the_previous_link_target(tmp_path: Path) -> None:
    for step, run_id in enumerate(("run-1", "run-2", "run-3"), start=1):
        publish(tmp_path, run_id, keep=1, at=step)
    # keep=1 still protects the live version and the one the link pointed at a moment ago.
    assert kept(tmp_path) == ["run-3", "run-2"]
    assert not (tmp_path / ".marts-versions/run-1").exists()


def test_prune_spares_protected_versions_and_reports_what_it_removed(tmp_path: Path) -> None:
    for step, run_id in enumerate(("run-1", "run-2", "run-3", "run-4"), start=1):
        publish(tmp_path, run_id, keep=10, at=step)

    removed = versions.prune(tmp_path, 1, protect={"run-2"})

    assert sorted(p.name for p in removed) == ["run-1", "run-3"]
    assert kept(tmp_path) == ["run-4", "run-2"]
    assert versions.prune(tmp_path, 5, protect=set()) == []


def test_a_rollback_restores_the_kept_bytes_and_repoints_the_link(tmp_path: Path) -> None:
    publish(tmp_path, "run-1", at=1)
    publish(tmp_path, "run-2", at=2)

    final = versions.restore(tmp_path, "run-1")

    assert final.read_bytes() == b"marts of run-1"
    assert versions.live_run_id(tmp_path) == "run-1"
    assert (tmp_path / "marts" / "mart_valuation.parquet").read_bytes() == b"PAR1 run-1"
    assert kept(tmp_path) == ["run-2", "run-1"]
    assert not list(tmp_path.glob(".marts.*.tmp"))


def test_an_unknown_version_cannot_be_restored(tmp_path: Path) -> None:
    publish(tmp_path, "run-1")
    with pytest.raises(versions.VersionNotFound, match="no kept version of run 'run-9'"):
        versions.restore(tmp_path, "run-9")
    assert (tmp_path / "marts.duckdb").read_bytes() == b"marts of run-1"


def test_unfinished_or_incomplete_versions_are_not_listed(tmp_path: Path) -> None:
    assert versions.list_versions(tmp_path) == []
    publish(tmp_path, "run-1")
    versions.start_version(tmp_path, "run-2")
    no_parquet = tmp_path / versions.VERSIONS_DIR / "run-3"
    no_parquet.mkdir()
    (no_parquet / versions.PUBLISHED_NAME).write_bytes(b"marts of run-3")

    assert kept(tmp_path) == ["run-1"]
    with pytest.raises(versions.VersionNotFound):
        versions.find_version(tmp_path, "run-3")


def test_stale_temp_files_of_dead_publishes_are_removed(tmp_path: Path) -> None:
    publish(tmp_path, "run-1")
    building = versions.start_version(tmp_path, "run-2")
    (tmp_path / ".marts.run-2.tmp").write_bytes(b"half")
    (tmp_path / ".marts.run-2.link.tmp").symlink_to("nowhere")

    stale = versions.remove_stale_temp_files(tmp_path)

    assert sorted(p.name for p in stale) == [".marts.run-2.link.tmp", ".marts.run-2.tmp",
                                             building.name]
    assert not building.exists() and not (tmp_path / ".marts.run-2.link.tmp").is_symlink()
    assert kept(tmp_path) == ["run-1"]
    assert (tmp_path / "marts.duckdb").read_bytes() == b"marts of run-1"


def test_live_run_id_is_none_without_a_version_link(tmp_path: Path) -> None:
    assert versions.live_run_id(tmp_path) is None
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "marts").symlink_to("elsewhere")
    assert versions.live_run_id(tmp_path) is None


def test_run_ids_that_would_escape_the_versions_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafePathError):
        versions.start_version(tmp_path, "../outside")
    assert not (tmp_path.parent / "outside.tmp").exists()
