"""SZSE as the catalog, the client and the parse stage see it."""

from __future__ import annotations

from collections.abc import Sequence

from flows.sources.provider import Provider
from flows.sources.szse.catalog import margin, route
from flows.sources.szse.client import Szse
from transforms import szse_margin
from transforms.dispatch import Landed, Parsing
from transforms.payload import ParsedBatch


def _margins(endpoint: str, landed: Sequence[Landed]) -> ParsedBatch:
    return szse_margin.margin_batch(landed)


PROVIDER = Provider(
    name="szse",
    endpoints={"margin_szse": Parsing("margin", szse_margin.margin, _margins)},
    route=route,
    client=Szse(),
    requests=margin,
)
