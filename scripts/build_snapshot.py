"""Build the bundled offline snapshot (a raw landing zone) from the public datasets.

Usage::

    python scripts/build_snapshot.py --shared ../shared/data --out snapshot

Every body is written in its provider's own response format next to a ``.meta.json``, and
``manifest.json`` indexes them; ``snapshot/README.md`` is the contract. The build is
deterministic: seeded generators, no wall-clock values, so two runs give identical bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from snapshot_build.equities import build_a_shares, build_debut_klines, build_real_charts
from snapshot_build.fundamentals import build_fundamentals
from snapshot_build.fx import build_fx, build_fx_klines
from snapshot_build.indices import build_indices
from snapshot_build.reports import build_ipos, build_margin
from snapshot_build.synthetic import build_mixed_hk

from flows.sources.landing import INDEX_NAME, LandingZone

SIZE_LIMIT = 5 * 1024 * 1024
PROVIDER_DIRS = ("eastmoney", "yahoo", "hkex", "sse", "szse")


def reset(out: Path) -> None:
    """Remove a previous build's output so a file dropped from the build cannot linger.

    Only the provider folders and the index are removed; ``README.md`` is hand-written.
    """
    for name in PROVIDER_DIRS:
        shutil.rmtree(out / name, ignore_errors=True)
    (out / INDEX_NAME).unlink(missing_ok=True)


def build(shared: Path, out: Path) -> Path:
    """Write every snapshot file under ``out``; returns the path of its index."""
    if not (shared / "PROVENANCE.md").is_file():
        raise SystemExit(f"{shared} does not look like ../shared/data (no PROVENANCE.md)")
    reset(out)
    landing = LandingZone(out, durable=False)
    build_indices(shared, landing)
    build_fx(shared, landing)
    build_fx_klines(shared, landing)
    closes = build_a_shares(shared, landing)
    build_debut_klines(shared, landing)
    build_real_charts(shared, landing)
    build_mixed_hk(shared, landing)
    build_fundamentals(shared, landing, closes)
    build_ipos(shared, landing)
    build_margin(shared, landing)
    return landing.write_index()


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, required=True,
                        help="the public data folder (../shared/data)")
    parser.add_argument("--out", type=Path, required=True, help="the snapshot folder to write")
    args = parser.parse_args()
    index = build(args.shared, args.out)
    total = sum(path.stat().st_size for path in args.out.rglob("*") if path.is_file())
    bodies = len(json.loads(index.read_text(encoding="utf-8")))
    print(f"{bodies} bodies, {total} bytes under {args.out}")
    if total >= SIZE_LIMIT:
        raise SystemExit(f"snapshot is {total} bytes, over the {SIZE_LIMIT} byte budget")


if __name__ == "__main__":
    main()
