"""What every provider client says about its own responses, beyond plain HTTP."""

from __future__ import annotations

from collections.abc import Mapping

from flows.catalog import RequestSpec
from flows.sources.errors import ExtractionError


class Provider:
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
