"""HKEX as the catalog, the client and the parse stage see it."""

from __future__ import annotations

from flows.sources.hkex.catalog import listing_reports, route
from flows.sources.hkex.client import Hkex
from flows.sources.provider import Provider
from transforms import hkex_nlr
from transforms.dispatch import Parsing, by_subject

PROVIDER = Provider(
    name="hkex",
    endpoints={"ipo_hk": Parsing("ipo_listings", by_subject(hkex_nlr.ipo_listings))},
    route=route,
    client=Hkex(),
    requests=listing_reports,
)
