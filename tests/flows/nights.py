"""A live night the session publishes once, for the tests that only read what it left.

The bundled snapshot is published as of 2026-01-15, then ``--source live`` runs as of 2026-01-30
against a loopback replay of the snapshot: each series fetches only its tail. The data dir is
shared by the session's workers, so a test that runs again on it works on a copy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from unittest import mock

from flows.nightly import RunResult, nightly
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import Hit, ProviderReplay, install, loopback

BEFORE = date(2026, 1, 15)
AS_OF = date(2026, 1, 30)
# Fast but polite: the loopback server answers at once, retries back off briefly.
PACE = {"CNTECH_REQUESTS_PER_SECOND": "100", "CNTECH_MAX_CONCURRENCY": "8",
        "CNTECH_MAX_ATTEMPTS": "3", "CNTECH_BACKOFF_BASE_SECONDS": "0.01"}


@dataclass(frozen=True)
class LiveNight:
    """The live run on top of the mid-January publish, and every request it made."""

    result: RunResult
    hits: list[Hit]

    def hits_for(self, path: str) -> list[Hit]:
        """Every request routed to landing ``path``."""
        return [hit for hit in self.hits if hit.path == path]


def live_night(data_dir: Path) -> LiveNight:
    """Publish the snapshot as of ``BEFORE`` into ``data_dir``, then a live night as of
    ``AS_OF`` over a loopback replay of the snapshot."""
    with loopback() as server:
        replay = ProviderReplay(SNAPSHOT)
        with mock.patch.dict(os.environ, {**install(server, replay), **PACE}):
            nightly(source="snapshot", as_of=BEFORE, data_dir=str(data_dir))
            live = nightly(source="live", as_of=AS_OF, data_dir=str(data_dir))
    return LiveNight(live, list(replay.hits))
