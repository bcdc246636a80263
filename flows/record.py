"""``cntech snapshot record``: a landing zone like the bundled snapshot, fetched live.

Every catalog request for the window lands in a fresh directory with origin ``recorded``; each
body is then parsed once, so a recording that a later replay would reject says so now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from errors import CntechError
from flows.catalog import build_catalog
from flows.parse import parse_landed
from flows.settings import Settings
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone


class RecordRefused(CntechError, ValueError):
    """The window or the output directory cannot be used; nothing was fetched."""


@dataclass
class Recorded:
    """What a recording produced."""

    out: Path
    requests: int
    landed: int
    errors: list[str] = field(default_factory=list)


def record_snapshot(settings: Settings, start: date, end: date, out: Path) -> Recorded:
    """Fetch every request for [start, end] from the live endpoints into ``out``.

    ``out`` must be new or empty: a recording is one coherent fetch, never mixed with another.
    Politeness (rate limits, retries, timeouts) comes from ``settings`` as for a live run.
    """
    if start > end:
        raise RecordRefused(f"--start {start} is after --end {end}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise RecordRefused(f"{out} is not an empty directory: a recording goes into a fresh one")
    specs = build_catalog(start, end, seeds_dir=settings.seeds_dir)
    zone = LandingZone(out)
    errors = land_all(settings, zone, specs, origin="recorded",
                      origin_detail=f"recorded live by cntech snapshot record for {start}..{end}")
    landed = [spec for spec in specs if zone.complete(spec)]
    _, report = parse_landed(zone, landed)
    return Recorded(out=out, requests=len(specs), landed=len(landed),
                    errors=[*errors, *report.errors])
