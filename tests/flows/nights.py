"""Nights the session publishes once, for the tests that read what they left or start from it.

The history: the bundled snapshot published as of 2026-01-23, a week before its last day, which
a bad batch or a late feed meets the way a nightly run's new days do. The live night: the
snapshot published as of 2026-01-15, then ``--source live`` as of 2026-01-30 against a loopback
replay of the snapshot, each series fetching only its tail. Their data dirs are shared by the
session's workers, so a test that runs again on one works on a copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from unittest import mock

from flows.nightly import RunResult, nightly
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import LOOPBACK_RATE, Hit, ProviderReplay, install, loopback

HISTORY_AS_OF = date(2026, 1, 23)
BEFORE = date(2026, 1, 15)
AS_OF = date(2026, 1, 30)
# Fast but polite: the loopback server answers at once, retries back off briefly.
PACE = {"CNTECH_REQUESTS_PER_SECOND": LOOPBACK_RATE, "CNTECH_MAX_CONCURRENCY": "8",
        "CNTECH_MAX_ATTEMPTS": "3", "CNTECH_BACKOFF_BASE_SECONDS": "0.01"}


@dataclass(frozen=True)
class LiveNight:
    """The live run on top of the mid-January publish, and every request it made."""

    result: RunResult
    hits: list[Hit]

    def hits_for(self, path: str) -> list[Hit]:
        """Every request routed to landing ``path``."""
        return [hit for hit in self.hits if hit.path == path]


def history(data_dir: Path) -> Path:
    """Publish the snapshot as of ``HISTORY_AS_OF`` into ``data_dir``."""
    nightly(source="snapshot", as_of=HISTORY_AS_OF, data_dir=str(data_dir))
    return data_dir


def live_night(data_dir: Path) -> LiveNight:
    """Publish the snapshot as of ``BEFORE`` into ``data_dir``, then a live night as of
    ``AS_OF`` over a loopback replay of the snapshot."""
    with loopback() as server:
        replay = ProviderReplay(SNAPSHOT)
        with mock.patch.dict(os.environ, {**install(server, replay), **PACE}):
            nightly(source="snapshot", as_of=BEFORE, data_dir=str(data_dir))
            live = nightly(source="live", as_of=AS_OF, data_dir=str(data_dir))
    return LiveNight(live, list(replay.hits))
