"""SSE as the catalog, the client and the parse stage see it."""

from __future__ import annotations

from flows.sources.provider import Provider
from flows.sources.sse.catalog import margin, route
from flows.sources.sse.client import Sse
from transforms import sse_margin
from transforms.dispatch import Parsing, by_subject

PROVIDER = Provider(
    name="sse",
    endpoints={"margin_sse": Parsing("margin", by_subject(sse_margin.margin))},
    route=route,
    client=Sse(),
    requests=margin,
)
