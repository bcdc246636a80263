"""Parse the landed bodies of one endpoint with the transform registered for it.

Which transform parses which endpoint is declared by each provider package (see
``flows/sources/<provider>/provider.py``); this module only runs a :class:`Parsing`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from transforms.errors import NotPublished, PayloadError
from transforms.payload import ParsedBatch

# (body, subject, provider code) of one landed request.
Landed = tuple[bytes, str, str]
Parser = Callable[[bytes, str, str], pl.DataFrame]
# (endpoint, landed bodies) → rows of every good body and the errors of the others.
BatchParser = Callable[[str, Sequence[Landed]], ParsedBatch]


@dataclass(frozen=True)
class Parsing:
    """The staging table an endpoint feeds and the transform of one body; ``batch``, when
    given, parses many bodies in one vectorised pass (the bulk of a backfill)."""

    table: str
    parse: Parser
    batch: BatchParser | None = None


def by_subject(parser: Callable[[bytes, str], pl.DataFrame]) -> Parser:
    """A :data:`Parser` for a transform that needs no provider code (the body names it)."""
    return lambda body, subject, code: parser(body, subject)


def parse_many(
    parsing: Parsing, endpoint: str, landed: Sequence[Landed]
) -> tuple[pl.DataFrame, dict[int, PayloadError | NotPublished]]:
    """Parse many landed bodies of one endpoint.

    Returns the rows of every body that met its contract with an ``item`` column (the body's
    position in ``landed``), and for every other body its error or, when the provider had not
    yet published what was asked, its :class:`NotPublished` outcome.
    """
    if parsing.batch is not None:
        batch = parsing.batch(endpoint, landed)
        return batch.frame, dict(batch.errors)
    frames: list[pl.DataFrame] = []
    errors: dict[int, PayloadError | NotPublished] = {}
    for item, (body, subject, code) in enumerate(landed):
        try:
            frame = parsing.parse(body, subject, code)
        except (PayloadError, NotPublished) as exc:
            errors[item] = exc
            continue
        frames.append(frame.select(pl.lit(item, dtype=pl.UInt32).alias("item"), pl.all()))
    return pl.concat(frames) if frames else pl.DataFrame(), errors
