from __future__ import annotations

import os
import stat
from pathlib import Path

import polars as pl
import pytest

from warehouse.files import atomic_path, write_atomically


def test_text_and_bytes_land_whole_under_the_final_name(tmp_path: Path) -> None:
    text = tmp_path / "deep" / "report.html"
    write_atomically(text, "<p>收盘</p>")
    write_atomically(tmp_path / "body.json", b'{"rc":0}', durable=True)
    assert text.read_text("utf-8") == "<p>收盘</p>"
    assert (tmp_path / "body.json").read_bytes() == b'{"rc":0}'
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["body.json",
                                                                         "report.html"]


def test_the_file_is_readable_by_others_not_owner_only(tmp_path: Path) -> None:
    path = write_atomically(tmp_path / "latest.json", "{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_an_existing_file_is_replaced_in_one_rename(tmp_path: Path) -> None:
    path = tmp_path / "latest.json"
    path.write_text("old", encoding="utf-8")
    inode = path.stat().st_ino
    with atomic_path(path) as temp:
        temp.write_text("new", encoding="utf-8")
        assert path.read_text("utf-8") == "old"
        assert temp.parent == path.parent and temp.name.startswith(".latest.json.")
    assert path.read_text("utf-8") == "new"
    assert path.stat().st_ino != inode


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    pl.DataFrame({"close": [1.0]}).write_parquet(path)
    with pytest.raises(ValueError, match="writer died"), atomic_path(path) as temp:
        pl.DataFrame({"close": [2.0, 3.0]}).write_parquet(temp)
        raise ValueError("writer died")
    assert pl.read_parquet(path)["close"].to_list() == [1.0]
    assert os.listdir(tmp_path) == ["data.parquet"]


def test_a_writer_that_writes_to_the_temporary_path_itself(tmp_path: Path) -> None:
    path = tmp_path / "part=2026-01" / "chunk.parquet"
    with atomic_path(path) as temp:
        pl.DataFrame({"close": [2.0, 3.0]}).write_parquet(temp)
    assert pl.read_parquet(path)["close"].to_list() == [2.0, 3.0]
    assert [p.name for p in path.parent.iterdir()] == ["chunk.parquet"]
