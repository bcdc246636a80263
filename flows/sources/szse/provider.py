"""SZSE as the catalog, the client and the parse stage see it."""

from __future__ import annotations

from flows.sources.provider import Provider
from flows.sources.szse.catalog import margin, route
from flows.sources.szse.client import Szse
from transforms import szse_margin
from transforms.dispatch import Parsing

PROVIDER = Provider(
    name="szse",
    endpoints={"margin_szse": Parsing("margin", szse_margin.margin)},
    route=route,
    client=Szse(),
    requests=margin,
)
