"""IPO debuts are followed: a security an IPO report lists joins the run's universe, so its daily
bars are requested from its listing date (live) or read from the zone (replay)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows import parse, pipeline
from flows.catalog import last_stored_dates
from flows.settings import Settings
from flows.sources import registry
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec, SeriesKey, Windows
from warehouse.db import sql_text
from warehouse.seeds import SEEDS_DIR, read_seed

# A debut is followed for a year after its listing: long enough for "return since listing".
FOLLOW_DAYS = 366
FOLLOWED_CALENDARS = {"SSE": "XSHG", "SZSE": "XSHG", "HKEX": "XHKG"}


@dataclass(frozen=True)
class Debut:
    """An IPO an IPO report lists, identified the way the reports name it."""

    symbol: str
    exchange: str
    listing_date: date

    @property
    def provider(self) -> str:
        """Who serves the debut's daily bars: Yahoo for Hong Kong, Eastmoney for A-shares."""
        return "yahoo" if self.exchange == "HKEX" else "eastmoney"

    @property
    def provider_code(self) -> str:
        """Eastmoney's secid for an A-share, Yahoo's ticker for a Hong Kong listing."""
        code, _, suffix = self.symbol.partition(".")
        if suffix == "HK":
            return f"{code.lstrip('0').zfill(4)}.HK"
        return f"{'1' if self.exchange == 'SSE' else '0'}.{code}"


def debut_specs(
    debuts: Iterable[Debut], end: date, last_stored: Mapping[SeriesKey, date] | None = None,
    overlap_days: int = 0, seeds_dir: Path = SEEDS_DIR,
) -> list[RequestSpec]:
    """Daily-bar requests for the debuts of the last year that the seeds do not already cover.

    A debut never stored is fetched from its listing date; a stored one from its tail.
    """
    seeded = set(read_seed("securities", seeds_dir)["symbol"])
    followed = sorted({d for d in debuts if d.symbol not in seeded
                       and d.exchange in FOLLOWED_CALENDARS
                       and end - timedelta(days=FOLLOW_DAYS) <= d.listing_date <= end},
                      key=lambda d: d.symbol)
    specs: list[RequestSpec] = []
    for debut in followed:
        windows = Windows(debut.listing_date, end, last_stored or {}, overlap_days)
        since = windows.since([("security_bars", debut.symbol)])
        specs.append(registry.provider(debut.provider).bar_request(
            "security_bars", debut.symbol, debut.provider_code, since, end))
    return specs


IPO_ENDPOINTS = ("ipo_cn", "ipo_hk")
LISTING_COLUMNS = ["symbol", "name", "exchange", "board", "currency", "listing_date"]


def reported_listings(zone: LandingZone, specs: list[RequestSpec]) -> pl.DataFrame:
    """Debuts with an offer price in the run's landed IPO reports.

    A report that fails to parse is left to the run's own parse, which reports it.
    """
    reports = [spec for spec in specs if spec.endpoint in IPO_ENDPOINTS]
    frames, _ = parse.parse_landed(zone, reports)
    return frames["ipo_listings"].filter(pl.col("offer_price").is_not_null()).select(
        LISTING_COLUMNS)


def stored_listings(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pl.DataFrame:
    """Debuts an earlier run stored: followed for a year, whatever tonight's report window."""
    return con.sql(sql_text("ops/stored_debuts.sql"),
                   params={"first": first, "last": last}).pl().select(LISTING_COLUMNS)


def followed_frame(listings: pl.DataFrame, specs: list[RequestSpec]) -> pl.DataFrame:
    """The listings ``specs`` request bars for, as rows for ``ops/follow_debuts.sql``."""
    wanted = {spec.subject: spec for spec in specs}
    rows = (listings.filter(pl.col("symbol").is_in(list(wanted)))
            .unique("symbol", keep="last", maintain_order=True))
    return rows.with_columns(
        pl.col("exchange").replace_strict(FOLLOWED_CALENDARS).alias("calendar"),
        pl.col("symbol").replace_strict({s: w.provider for s, w in wanted.items()},
                                        default=None).alias("provider"),
        pl.col("symbol").replace_strict({s: w.provider_code for s, w in wanted.items()},
                                        default=None).alias("provider_code"),
    )


@dataclass(frozen=True)
class Followed:
    """The run's specs with the debuts' bars added, and why a debut could not be followed."""

    specs: list[RequestSpec]
    unfollowed: list[str]


@task(retries=2, retry_delay_seconds=[2, 5], cache_policy=NO_CACHE)
def follow_debuts(settings: Settings, landing_root: Path, specs: list[RequestSpec],
                  end: date) -> Followed:
    """Add the daily bars of every debut of the last year to the run.

    Live runs land the new requests (from the listing date, or the series' tail once stored);
    a replay adds those its zone holds. The followed securities join ``ref.securities``.
    Returns the run's specs and one message per debut whose bars could not be fetched: a debut
    without bars stays in the IPO data without a return since listing, it does not stop the run.
    """
    zone = LandingZone(landing_root)
    with pipeline.connect_warehouse(settings) as con:
        stored = stored_listings(con, end - timedelta(days=FOLLOW_DAYS), end)
        last_stored = last_stored_dates(con)
    listings = pl.concat([stored, reported_listings(zone, specs)], how="vertical_relaxed")
    debuts = [Debut(row["symbol"], row["exchange"], row["listing_date"])
              for row in listings.iter_rows(named=True)]
    extra = debut_specs(debuts, end, last_stored, settings.incremental_overlap_days,
                        seeds_dir=settings.seeds_dir)
    errors: list[str] = []
    if settings.source == "live":
        errors = land_all(settings, zone, [s for s in extra if not zone.complete(s)])
    extra = [spec for spec in extra if zone.complete(spec)]
    with pipeline.connect_warehouse(settings) as con:
        con.register("followed", followed_frame(listings, extra).to_arrow())
        try:
            con.execute(sql_text("ops/follow_debuts.sql"))
        finally:
            con.unregister("followed")
    return Followed([*specs, *extra], errors)
