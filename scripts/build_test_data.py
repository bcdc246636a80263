"""Cut the small test inputs under ``tests/data`` from the public datasets.

Usage::

    python scripts/build_test_data.py --shared ../shared/data --out tests/data

Writes ``payloads/`` (the genuine recorded responses, copied), ``flawed/`` (real data-quality
flaws as tiny provider-format bodies) and ``real/`` (in-window slices of source CSVs, byte for
byte), so tests can check the snapshot without ``../shared``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from snapshot_build.testdata import build_test_data


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, required=True,
                        help="the public data folder (../shared/data)")
    parser.add_argument("--out", type=Path, required=True, help="the tests/data folder")
    args = parser.parse_args()
    files = build_test_data(args.shared, args.out)
    total = sum(path.stat().st_size for path in files)
    print(f"{len(files)} files, {total} bytes under {args.out}")


if __name__ == "__main__":
    main()
