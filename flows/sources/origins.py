"""Where a landed body's rows come from: its origin, the repairs applied, and date ranges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# Strongest first: a body's ``origin`` is the weakest origin of any of its rows.
ORIGINS = ("recorded", "reconstructed", "synthetic")


@dataclass(frozen=True)
class OriginRange:
    """The rows of a body dated ``first``..``last`` (inclusive) have one origin."""

    origin: str
    first: date
    last: date

    def as_dict(self) -> dict[str, str]:
        """The ``origin_ranges[]`` entry of a ``.meta.json``."""
        return {"origin": self.origin, "first_date": self.first.isoformat(),
                "last_date": self.last.isoformat()}


def weakest(ranges: Sequence[OriginRange]) -> str:
    """The origin a body mixing ``ranges`` is filed under."""
    return max((r.origin for r in ranges), key=ORIGINS.index)


@dataclass(frozen=True)
class Provenance:
    """A body's origin as its manifest states it.

    ``ranges`` is given for a body whose rows differ in origin by date (real to a day,
    synthetic after); they must be ordered and disjoint, and ``origin`` must be their weakest.
    ``repairs`` are the explicit rules applied to source rows (``{rule, detail, rows}``).
    """

    origin: str
    detail: str
    repairs: tuple[Mapping[str, object], ...] = ()
    ranges: tuple[OriginRange, ...] = ()

    def __post_init__(self) -> None:
        if self.origin not in ORIGINS:
            raise ValueError(f"origin {self.origin!r} is not one of {ORIGINS}")
        for earlier, later in zip(self.ranges, self.ranges[1:], strict=False):
            if not earlier.first <= earlier.last < later.first <= later.last:
                raise ValueError("origin ranges overlap or are out of order")
        if self.ranges and weakest(self.ranges) != self.origin:
            raise ValueError(f"origin {self.origin!r} is not the weakest of its ranges")

    def as_meta(self) -> dict[str, Any]:
        """The provenance keys of a ``.meta.json``."""
        meta: dict[str, Any] = {"origin": self.origin, "origin_detail": self.detail,
                                "repairs": [dict(repair) for repair in self.repairs]}
        if self.ranges:
            meta["origin_ranges"] = [r.as_dict() for r in self.ranges]
        return meta
