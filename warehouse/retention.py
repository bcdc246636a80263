"""Landing-zone retention: a live run lands ~1 MB a night, so old zones are pruned after publish.

Only the zones of runs the ledger records as published go, once older than the kept days: their
bodies are merged, and the next live run refetches its overlap anyway. A zone left by a failed,
abandoned or unknown run is never pruned: it is what ``--source snapshot --snapshot <zone>``
replays to reproduce the failure.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from warehouse.db import sql_text

log = logging.getLogger(__name__)


@dataclass
class Pruned:
    """Landing zones removed, and those that could not be (left for the next run to retry)."""

    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def prune_landing(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, keep_days: int, *,
    now: datetime | None = None,
) -> Pruned:
    """Remove the landing zones of published live runs started more than ``keep_days`` ago.

    ``keep_days`` 0 keeps every zone. Runs after the publish, so a ledger that cannot be read or
    a zone that cannot be removed is logged and reported, never raised: the run has published.
    """
    pruned = Pruned()
    if keep_days <= 0 or not landing_dir.is_dir():
        return pruned
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    try:
        prunable = {run_id for (run_id,) in con.execute(
            sql_text("ops/landing_prunable.sql"), {"cutoff": cutoff}).fetchall()}
    except duckdb.Error as exc:
        log.warning("landing zones not pruned: the run ledger could not be read (%s)", exc)
        return pruned
    for zone in sorted(landing_dir.iterdir()):
        if zone.name not in prunable or zone.is_symlink() or not zone.is_dir():
            continue
        try:
            shutil.rmtree(zone)
        except OSError as exc:
            log.warning("could not prune landing zone %s: %s", zone, exc)
            pruned.failed.append(zone.name)
        else:
            pruned.removed.append(zone.name)
    if pruned.removed:
        log.info("pruned %d landing zone(s) older than %d days: %s", len(pruned.removed),
                 keep_days, ", ".join(pruned.removed))
    return pruned
