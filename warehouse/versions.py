"""Published versions on disk: the live file, the kept versions and the Parquet link.

```
<data-dir>/marts.duckdb                      the live version (replaced by an atomic rename)
<data-dir>/marts -> .marts-versions/<run>/parquet   the live Parquet set (an atomic symlink swap)
<data-dir>/.marts-versions/<run>/marts.duckdb       a byte copy of what that run published
<data-dir>/.marts-versions/<run>/parquet/*.parquet  every published table of that run
```

The newest ``keep`` versions stay, and so do the live one and the one the link pointed at
before the last swap (a reader that resolved the link a moment ago can finish). Rollback copies
a kept file over the live one and repoints the link, so the restored version is byte-identical.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from warehouse.lock import confined, safe_name

PUBLISHED_NAME = "marts.duckdb"
PARQUET_LINK = "marts"
VERSIONS_DIR = ".marts-versions"
# Where the Parquet sets lived before versions kept the marts file too; emptied after one publish.
LEGACY_PARQUET = ".marts-parquet"
PARQUET_DIR = "parquet"


class VersionNotFound(LookupError):
    """No kept version has that run id."""


@dataclass(frozen=True)
class Version:
    """One kept version: its run id, directory and when it was published (file mtime, ns)."""

    run_id: str
    path: Path
    written_ns: int

    @property
    def marts_file(self) -> Path:
        """The byte copy of the ``marts.duckdb`` this run published."""
        return self.path / PUBLISHED_NAME

    @property
    def parquet(self) -> Path:
        """The version's Parquet set."""
        return self.path / PARQUET_DIR


def published_path(data_dir: Path) -> Path:
    """Where BI tools and ``cntech sql`` read the marts."""
    return data_dir / PUBLISHED_NAME


def parquet_dir(version: Path) -> Path:
    """The Parquet folder of a version directory (built or kept)."""
    return version / PARQUET_DIR


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Delete leftovers of publishes that died before their rename (the writer lock is held)."""
    stale = [*data_dir.glob(".marts.*.tmp*"), *data_dir.glob(f"{VERSIONS_DIR}/*.tmp"),
             *data_dir.glob(f"{LEGACY_PARQUET}/*.tmp")]
    for path in stale:
        _remove(path)
    return stale


def start_version(data_dir: Path, run_id: str) -> Path:
    """An empty version directory to build in; it becomes a version in :func:`swap_in`."""
    building = confined(data_dir, VERSIONS_DIR, f"{safe_name(run_id)}.tmp")
    parquet_dir(building).mkdir(parents=True)
    return building


def swap_in(data_dir: Path, tmp: Path, building: Path, run_id: str, *, keep: int) -> Path:
    """Keep a copy of the checkpointed ``tmp`` file, then make it and its Parquet set live."""
    _fsync(tmp)
    shutil.copyfile(tmp, building / PUBLISHED_NAME)
    for path in (building / PUBLISHED_NAME, *parquet_dir(building).iterdir(),
                 parquet_dir(building), building):
        _fsync(path)
    final = published_path(data_dir)
    os.replace(tmp, final)
    _fsync(data_dir)
    # Only versions that went live are kept: a crash here leaves a .tmp the next run removes.
    target = confined(data_dir, VERSIONS_DIR, run_id)
    os.rename(building, target)
    _fsync(target.parent)
    previous = _point_link(data_dir, run_id)
    prune(data_dir, keep, protect={run_id, previous})
    return final


def restore(data_dir: Path, run_id: str) -> Path:
    """Republish a kept version: its file copied over the live one, the link repointed."""
    version = find_version(data_dir, run_id)
    tmp = confined(data_dir, f".marts.{run_id}.rollback.tmp")
    shutil.copyfile(version.marts_file, tmp)
    _fsync(tmp)
    final = published_path(data_dir)
    os.replace(tmp, final)
    _fsync(data_dir)
    _point_link(data_dir, run_id)
    return final


def list_versions(data_dir: Path) -> list[Version]:
    """Every complete kept version, newest first."""
    root = data_dir / VERSIONS_DIR
    if not root.is_dir():
        return []
    found = [Version(p.name, p, (p / PUBLISHED_NAME).stat().st_mtime_ns)
             for p in root.iterdir()
             if not p.name.endswith(".tmp") and (p / PUBLISHED_NAME).is_file()
             and (p / PARQUET_DIR).is_dir()]
    return sorted(found, key=lambda v: (v.written_ns, v.run_id), reverse=True)


def find_version(data_dir: Path, run_id: str) -> Version:
    """The kept version of ``run_id``."""
    for version in list_versions(data_dir):
        if version.run_id == run_id:
            return version
    raise VersionNotFound(f"no kept version of run {run_id!r} under {data_dir / VERSIONS_DIR}")


def live_run_id(data_dir: Path) -> str | None:
    """The version the Parquet link points at (the live one), or None before versions."""
    link = data_dir / PARQUET_LINK
    if not link.is_symlink():
        return None
    parts = Path(os.readlink(link)).parts
    return parts[1] if len(parts) == 3 and parts[0] == VERSIONS_DIR else None


def prune(data_dir: Path, keep: int, *, protect: set[str | None]) -> list[Path]:
    """Remove versions beyond the newest ``keep`` (never one in ``protect``) and legacy sets."""
    removed = [v.path for v in list_versions(data_dir)[keep:] if v.run_id not in protect]
    legacy = data_dir / LEGACY_PARQUET
    if legacy.is_dir():
        removed += [p for p in legacy.iterdir() if f"{LEGACY_PARQUET}/{p.name}" not in protect]
    for path in removed:
        _remove(path)
    if legacy.is_dir() and not any(legacy.iterdir()):
        legacy.rmdir()
    return removed


def _point_link(data_dir: Path, run_id: str) -> str | None:
    """Repoint ``marts`` at the version's Parquet set; what it pointed at before, for prune."""
    link = data_dir / PARQUET_LINK
    previous: str | None = None
    if link.is_symlink():
        parts = Path(os.readlink(link)).parts
        previous = parts[1] if parts[0] == VERSIONS_DIR else "/".join(parts[:2])
    elif link.is_dir():
        # Layout before versioned Parquet: a plain directory, kept until the next publish.
        legacy = confined(data_dir, LEGACY_PARQUET, "legacy")
        legacy.parent.mkdir(exist_ok=True)
        shutil.rmtree(legacy, ignore_errors=True)
        os.rename(link, legacy)
        previous = f"{LEGACY_PARQUET}/legacy"
    tmp_link = confined(data_dir, f".marts.{run_id}.link.tmp")
    tmp_link.unlink(missing_ok=True)
    # A relative target keeps the data directory movable as a whole.
    os.symlink(Path(VERSIONS_DIR) / run_id / PARQUET_DIR, tmp_link)
    os.replace(tmp_link, link)
    _fsync(data_dir)
    return previous


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
