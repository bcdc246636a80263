"""One provider request, where its body lands, and the window a series asks for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

SeriesKey = tuple[str, str]


@dataclass(frozen=True)
class RequestSpec:
    """One provider request and where its body lands.

    ``endpoint`` is the kind of request (``index_kline``, ``valuation``...), which names the
    parser of its body; ``provider_code`` is what the provider calls the thing asked for: a
    secid, a ticker, a report name, a trading day or a workbook name. ``url_path`` is appended
    to the host's base URL; ``path`` is the body's place in a landing zone.
    """

    provider: str
    host: str
    endpoint: str
    subject: str
    provider_code: str
    path: str
    url_path: str
    params: dict[str, str] = field(default_factory=dict)
    # One request per trading day (SZSE margin): a landing zone holds only the days it fetched.
    per_day: bool = False

    @property
    def key(self) -> str:
        """Human-readable identity used in logs and error messages."""
        return f"{self.provider}/{self.endpoint}/{self.subject}"


@dataclass(frozen=True)
class Windows:
    """Where each series starts: its last stored date minus an overlap, or the history start."""

    start: date
    end: date
    last_stored: Mapping[SeriesKey, date] = field(default_factory=dict)
    overlap_days: int = 0

    def since(self, series: Iterable[SeriesKey]) -> date:
        """Start date for a request covering ``series``; any series never stored backfills all."""
        lasts = [self.last_stored.get(key) for key in series]
        if not lasts or any(last is None for last in lasts):
            return self.start
        oldest = min(last for last in lasts if last is not None)
        return min(self.end, max(self.start, oldest - timedelta(days=self.overlap_days)))


def page_of(spec: RequestSpec, number: int) -> RequestSpec:
    """Page ``number`` (2 and up) of a paged report request; its body lands beside page 1's."""
    stem, _, suffix = spec.path.rpartition(".")
    return replace(spec, path=f"{stem}.p{number}.{suffix}",
                   params={**spec.params, "pageNumber": str(number)})
