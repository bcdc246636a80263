"""What a provider package declares: its hosts, client hooks, request builders, the parsers of
its endpoints and its cross-check role. :mod:`flows.sources.registry` collects them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from flows.sources.errors import ExtractionError
from flows.sources.request import RequestSpec, Windows
from transforms.dispatch import Parsing

# (table, subject, provider code, start, end, check): daily bars of one series of ``table``, as
# its primary source or (``check``) as the second source the gate compares the primary with.
BarRequest = Callable[[str, str, str, date, date, bool], RequestSpec]
# Every other request of a run: the window and the seeded securities.
RunRequests = Callable[[Windows, pl.DataFrame], list[RequestSpec]]
# The landed body that answers a GET (URL path, query) as (host, landing path), or None when the
# provider does not serve that path; the loopback replay server of the tests routes with it.
Route = Callable[[str, Mapping[str, str]], tuple[str, str] | None]


class Client:
    """Defaults: one page per request, throttling signalled by HTTP 429."""

    def headers(self, spec: RequestSpec) -> Mapping[str, str]:
        """Request headers the provider expects besides the User-Agent."""
        return {}

    def looks_throttled(self, spec: RequestSpec, body: bytes) -> bool:
        """Whether an HTTP 200 answer is really a throttled one, worth retrying."""
        return False

    def page_count(self, spec: RequestSpec, body: bytes) -> int:
        """How many pages the answer to ``spec`` spans, read from its first page."""
        return 1

    def merge_pages(self, spec: RequestSpec, bodies: list[bytes]) -> bytes:
        """One document holding every page's rows, for a parser that reads one body."""
        raise ExtractionError(spec.key, f"{spec.provider} answers in one page; cannot merge "
                              f"{len(bodies)} landed pages")


def no_requests(windows: Windows, securities: pl.DataFrame) -> list[RequestSpec]:
    """A provider asked only for the series the seeds or other roles give it."""
    return []


@dataclass(frozen=True)
class Provider:
    """One provider, as its package ``flows/sources/<name>/provider.py`` declares it.

    The package's ``__init__`` holds only ``HOSTS`` (host key → default base URL, which
    ``CNTECH_<HOST>_BASE_URL`` overrides), so settings read it without loading parsers.
    ``endpoints`` names, per endpoint, the staging table and the transform that parses its
    bodies. ``bars`` serves seeded indices and securities whose seed row names this provider;
    ``series`` lists the series it is the primary source of without a seed (table → series →
    provider code), ``checks`` those it is the second source of (its cross-check role).
    ``code_pattern`` is the shape of the ``provider_code`` a seed row naming it must have.
    """

    name: str
    endpoints: Mapping[str, Parsing]
    route: Route
    client: Client = field(default_factory=Client)
    bars: BarRequest | None = None
    code_pattern: re.Pattern[str] | None = None
    series: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    checks: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    requests: RunRequests = no_requests

    def bar_request(self, table: str, subject: str, code: str, start: date, end: date, *,
                    check: bool = False) -> RequestSpec:
        """Daily bars of ``subject`` in ``table`` over [start, end]."""
        if self.bars is None:
            raise LookupError(f"provider {self.name} serves no daily bars ({table} {subject})")
        return self.bars(table, subject, code, start, end, check)
