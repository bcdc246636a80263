"""Write bodies into the landing zone with their ``.meta.json`` and the ``manifest.json`` index."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from snapshot_build.common import Repair, iso

# Strongest first: a body's ``origin`` is the weakest origin of any of its rows.
ORIGINS = ("recorded", "reconstructed", "synthetic")
PROVIDER_DIRS = ("eastmoney", "yahoo", "hkex", "sse", "szse")


@dataclass(frozen=True)
class Request:
    """The provider request a body answers; the landing path is derived from it."""

    url: str
    params: dict[str, str]


@dataclass(frozen=True)
class OriginRange:
    """The rows of a body dated ``first``..``last`` (inclusive) have one origin."""

    origin: str
    first: date
    last: date

    def as_dict(self) -> dict[str, str]:
        """The ``origin_ranges[]`` entry of a ``.meta.json``."""
        return {"origin": self.origin, "first_date": iso(self.first), "last_date": iso(self.last)}


def weakest(ranges: Sequence[OriginRange]) -> str:
    """The origin a body mixing ``ranges`` is filed under."""
    return max((r.origin for r in ranges), key=ORIGINS.index)


def check_ranges(path: str, origin: str, ranges: Sequence[OriginRange]) -> None:
    """Ranges must be ordered, disjoint, and the body's origin must be their weakest."""
    for earlier, later in zip(ranges, ranges[1:], strict=False):
        if not earlier.first <= earlier.last < later.first <= later.last:
            raise ValueError(f"{path}: origin ranges overlap or are out of order")
    if ranges and weakest(ranges) != origin:
        raise ValueError(f"{path}: origin {origin!r} is not the weakest of its ranges")


def pretty(document: object) -> bytes:
    """Manifest formatting: sorted keys, two-space indent, UTF-8, trailing newline."""
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


class Landing:
    """Collects the files of one snapshot build and writes the manifest last."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: list[dict[str, object]] = []

    def reset(self) -> None:
        """Remove a previous build's output so a file dropped from the build cannot linger.

        Only the provider folders and the manifest are removed; ``README.md`` is hand-written.
        """
        for name in PROVIDER_DIRS:
            shutil.rmtree(self.root / name, ignore_errors=True)
        (self.root / "manifest.json").unlink(missing_ok=True)

    def write(
        self,
        path: str,
        body: bytes,
        *,
        provider: str,
        dataset: str,
        subject: str,
        request: Request,
        origin: str,
        origin_detail: str,
        repairs: Iterable[Repair] = (),
        ranges: Sequence[OriginRange] = (),
    ) -> None:
        """Write ``body`` at ``path`` (relative to the root) and its ``.meta.json`` beside it.

        ``ranges`` is given for a body whose rows differ in origin by date (real to a day,
        synthetic after); the meta then lists them as ``origin_ranges``.
        """
        if origin not in ORIGINS:
            raise ValueError(f"{path}: origin {origin!r} is not one of {ORIGINS}")
        check_ranges(path, origin, ranges)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        meta = {
            "provider": provider,
            "dataset": dataset,
            "subject": subject,
            "request": {"url": request.url, "params": request.params},
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "origin": origin,
            "origin_detail": origin_detail,
            "repairs": [repair.as_dict() for repair in repairs],
            "recorded_at": None,
        }
        if ranges:
            meta["origin_ranges"] = [r.as_dict() for r in ranges]
        target.with_name(target.name + ".meta.json").write_bytes(pretty(meta))
        entry: dict[str, object] = {
            "path": path, "provider": provider, "dataset": dataset, "subject": subject,
            "origin": origin, "origin_detail": origin_detail,
        }
        if ranges:
            entry["origin_ranges"] = [r.as_dict() for r in ranges]
        self.entries.append(entry)

    def write_manifest(self) -> Path:
        """Write ``manifest.json`` listing every body sorted by path."""
        paths = [str(entry["path"]) for entry in self.entries]
        if len(set(paths)) != len(paths):
            raise ValueError("two bodies were written to the same path")
        manifest = self.root / "manifest.json"
        manifest.write_bytes(pretty(sorted(self.entries, key=lambda entry: str(entry["path"]))))
        return manifest
