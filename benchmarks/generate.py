"""Write a full-market landing zone for N securities x Y years, plus the seeds that describe it.

    python -m benchmarks.generate --securities 8000 --years 10 --out bench-data/8000x10

Output layout (every zone is exactly what a run lands, replayable with ``--snapshot``)::

    <out>/seeds/               securities, baskets, suspensions, ... (CNTECH_SEEDS_DIR)
    <out>/history/             the Y-year window ending on --end, one body per request
    <out>/days/<YYYY-MM-DD>/   one zone per new day after it (every calendar trades that day)

Bodies are in the providers' own formats, so every benchmark runs the real parsers. Series are
seeded random walks: board price limits (STAR/ChiNext 20 %, main boards 10 %, none in Hong Kong
or the US), IPOs during the window with their unlimited first sessions, trading halts (listed in
the suspensions seed), Hong Kong splits published split-adjusted with Yahoo's ``events.splits``
block, close-only bars on Hong Kong half days.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import exchange_calendars as xcals
import numpy as np

from benchmarks import reports
from benchmarks.securities import BlockJob, write_block
from benchmarks.universe import Security, build_universe, window_start, write_seeds
from flows.catalog import build_catalog
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from warehouse.seeds import sessions

CALENDARS = ("XSHG", "XHKG", "XNYS")
BLOCK_SIZE = 200
DEFAULT_END = date(2025, 11, 28)
MARKER = "generated.json"
# Bumped when the zone layout changes, so data generated in an older layout is regenerated:
# 2 = the one landing-zone index (a list of bodies; the window read from the kline manifests);
# 3 = the shared SSE/SZSE margin encoders' full envelopes, klines never writing ``-0.00``.
LAYOUT = 3


@dataclass(frozen=True)
class Generated:
    """Where a generated dataset lives and what it holds."""

    root: Path
    start: date
    end: date
    new_days: list[date]
    securities: int
    files: int

    @property
    def seeds(self) -> Path:
        """The generated seeds directory (``CNTECH_SEEDS_DIR``)."""
        return self.root / "seeds"

    @property
    def history(self) -> Path:
        """The Y-year landing zone."""
        return self.root / "history"

    def day_zone(self, day: date) -> Path:
        """The landing zone of one new day."""
        return self.root / "days" / day.isoformat()


def common_sessions_after(end: date, count: int) -> list[date]:
    """The first ``count`` days after ``end`` on which every calendar trades."""
    horizon = end + timedelta(days=30 + 7 * count)
    sets = [set(sessions(cal, end + timedelta(days=1), horizon)) for cal in CALENDARS]
    return sorted(set.intersection(*sets))[:count]


def generate(
    out: Path, securities: int, start: date, end: date = DEFAULT_END, *, days: int = 2,
    seed: int = 7, workers: int = 2,
) -> Generated:
    """Generate (or reuse, when the marker says the same parameters) a dataset under ``out``."""
    params = {"securities": securities, "start": start.isoformat(), "end": end.isoformat(),
              "days": days, "seed": seed, "layout": LAYOUT}
    marker = out / MARKER
    if marker.is_file():
        done = json.loads(marker.read_text(encoding="utf-8"))
        if done["params"] == params:
            return _described(out, done)
    if end.month < 3:
        raise ValueError("--end must fall on or after 1 March: the HKEX report of its year "
                         "needs listings before it")
    if out.exists():
        shutil.rmtree(out)
    new_days = common_sessions_after(end, days)
    calendar_days = {cal: sessions(cal, start, new_days[-1]) for cal in CALENDARS}
    universe = build_universe(securities, calendar_days, end, seed)
    seeds_dir = write_seeds(universe, calendar_days, out / "seeds")
    history = build_catalog(start, end, seeds_dir=seeds_dir)
    zones: dict[date | None, Path] = {None: out / "history"}
    zones.update({d: out / "days" / d.isoformat() for d in new_days})
    specs: dict[date | None, list[RequestSpec]] = {None: history}
    specs.update({d: build_catalog(start, d, seeds_dir=seeds_dir) for d in new_days})

    debuts, eps_rows, files = _write_securities(
        universe, calendar_days, specs, zones, end, seed, workers)
    for key, root in zones.items():
        zone = LandingZone(root, durable=False)
        files += reports.write_market_feeds(
            zone, specs[key], calendar_days, start, end, key, debuts, eps_rows, seed)
        zone.write_index()
    doc = {"params": params,
           "new_days": [d.isoformat() for d in new_days], "files": files}
    marker.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return _described(out, doc)


def _described(out: Path, doc: dict) -> Generated:
    params = doc["params"]
    return Generated(root=out, start=date.fromisoformat(params["start"]),
                     end=date.fromisoformat(params["end"]),
                     new_days=[date.fromisoformat(d) for d in doc["new_days"]],
                     securities=params["securities"], files=doc["files"])


def _write_securities(
    universe: list[Security], calendar_days: dict[str, list[date]],
    specs: dict[date | None, list[RequestSpec]], zones: dict[date | None, Path], end: date,
    seed: int, workers: int,
) -> tuple[list[dict], list[dict], int]:
    by_subject: dict[date | None, dict[tuple[str, str], RequestSpec]] = {
        key: {(s.endpoint, s.subject): s for s in zone_specs} for key, zone_specs in specs.items()
    }
    early = {cal: _early_closes(cal, days) for cal, days in calendar_days.items()}
    markets = {cal: np.random.default_rng([seed, i]).normal(0.0, 0.011, len(days))
               for i, (cal, days) in enumerate(calendar_days.items())}
    grouped: dict[tuple[str, str], list[Security]] = defaultdict(list)
    for security in universe:
        grouped[(security.calendar, security.board)].append(security)
    jobs: list[BlockJob] = []
    for (calendar, _), members in grouped.items():
        for i in range(0, len(members), BLOCK_SIZE):
            block = members[i:i + BLOCK_SIZE]
            wanted = {key: {k: v for k, v in table.items()
                            if k[1] in {s.symbol for s in block}}
                      for key, table in by_subject.items()}
            jobs.append(BlockJob(block, calendar_days[calendar], markets[calendar],
                                 early[calendar], wanted, zones, end, seed + len(jobs)))
    debuts: list[dict] = []
    eps_rows: list[dict] = []
    files = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(write_block, jobs):
            debuts.extend(result.debuts)
            eps_rows.extend(result.eps)
            files += result.files
    return debuts, eps_rows, files


def _early_closes(calendar: str, days: list[date]) -> np.ndarray:
    early = {ts.date() for ts in xcals.get_calendar(calendar).early_closes}
    return np.array([d in early for d in days])


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--securities", type=int, default=8000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END)
    parser.add_argument("--days", type=int, default=2, help="new days after the history")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    made = generate(args.out, args.securities, window_start(args.end, args.years), args.end,
                    days=args.days, seed=args.seed, workers=args.workers)
    print(f"{made.files} bodies for {made.securities} securities, {made.start} .. {made.end}, "
          f"new days {', '.join(d.isoformat() for d in made.new_days)} under {made.root}")


if __name__ == "__main__":
    main()
