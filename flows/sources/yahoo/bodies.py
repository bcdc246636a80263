"""Rows in Yahoo's v8 chart wire format: the inverse of its transform, for the snapshot
builder, the benchmark generator and tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flows.sources.bodies import api_json


@dataclass(frozen=True)
class YahooListing:
    """What Yahoo's chart ``meta`` says about an instrument, and when its session opens."""

    ticker: str
    currency: str
    exchange_name: str
    full_exchange_name: str
    instrument_type: str
    timezone: str
    opens_at: time
    price_hint: int

    def stamps(self, days: Sequence[date]) -> list[int]:
        """Yahoo's bar timestamps: the local session open, in epoch seconds."""
        zone = ZoneInfo(self.timezone)
        return [int(datetime.combine(day, self.opens_at, zone).timestamp()) for day in days]


def chart_body(
    listing: YahooListing, stamps: list[int], quote: Mapping[str, Sequence[float | None]],
    previous_close: float | None, *, at: date, splits: Mapping[int, float] | None = None,
) -> bytes:
    """A v8 chart answer as fetched on ``at`` (its UTC offset and zone name go into ``meta``).

    ``quote`` holds the ``high``/``open``/``low``/``close``/``volume`` lists in the order the
    body shows them; ``splits`` adds Yahoo's ``events.splits`` block (ratio per stamp).
    """
    zone = ZoneInfo(listing.timezone)
    fetched = datetime.combine(at, time(12), zone)
    offset = fetched.utcoffset()
    if offset is None:
        raise ValueError(f"{listing.timezone} has no UTC offset")
    closes = [value for value in quote["close"] if value is not None]
    result: dict[str, object] = {
        "meta": {
            "currency": listing.currency, "symbol": listing.ticker,
            "exchangeName": listing.exchange_name,
            "fullExchangeName": listing.full_exchange_name,
            "instrumentType": listing.instrument_type, "regularMarketTime": stamps[-1],
            "hasPrePostMarketData": False, "gmtoffset": int(offset.total_seconds()),
            "timezone": fetched.tzname(), "exchangeTimezoneName": listing.timezone,
            "regularMarketPrice": closes[-1], "chartPreviousClose": previous_close,
            "priceHint": listing.price_hint, "dataGranularity": "1d", "range": "",
        },
        "timestamp": stamps,
        "indicators": {"quote": [dict(quote)]},
    }
    if splits:
        result["events"] = {"splits": {str(ts): {
            "date": ts, "numerator": ratio, "denominator": 1.0, "splitRatio": f"{ratio:g}:1",
        } for ts, ratio in splits.items()}}
    return api_json({"chart": {"result": [result], "error": None}})
