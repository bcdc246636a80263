"""Fetch every request of a run and land each body, with its manifest, before anything parses it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flows.settings import Settings
from flows.sources import registry
from flows.sources.errors import ExtractionError
from flows.sources.http import Fetched, FetchFailed, HttpClient
from flows.sources.landing import LandingZone
from flows.sources.origins import Provenance
from flows.sources.request import RequestSpec, page_of

LIVE_DETAIL = "fetched live by cntech"


def land_all(
    settings: Settings,
    zone: LandingZone,
    specs: list[RequestSpec],
    *,
    origin: str = "recorded",
    origin_detail: str = LIVE_DETAIL,
) -> list[str]:
    """Fetch every spec not yet completely landed, ``max_concurrency`` at a time.

    Returns one message per request left without a usable body; every other request is still
    fetched and landed. Bodies already in the zone are kept, so a rerun only fetches the rest.
    """
    client = HttpClient(settings)
    pending = [spec for spec in specs if not zone.complete(spec)]

    def one(spec: RequestSpec) -> str | None:
        try:
            _land_one(client, zone, spec, Provenance(origin, origin_detail).as_meta())
        except ExtractionError as exc:
            return str(exc)
        return None

    try:
        with ThreadPoolExecutor(max_workers=settings.max_concurrency) as pool:
            results = list(pool.map(one, pending))
    finally:
        client.close()
    zone.write_index()
    return [message for message in results if message]


def _land_one(
    client: HttpClient, zone: LandingZone, spec: RequestSpec, provenance: dict[str, Any]
) -> None:
    if zone.body_path(spec).is_file():
        pages = len(zone.pages(spec))
    else:
        fetched = _fetch(client, zone, spec, provenance)
        pages = registry.provider(spec.provider).client.page_count(spec, fetched.body)
        zone.land(spec, fetched.body, _manifest(client, spec, fetched, provenance, pages))
    for number in range(2, pages + 1):
        page = page_of(spec, number)
        if not zone.body_path(page).is_file():
            fetched = _fetch(client, zone, page, provenance)
            zone.land(page, fetched.body, _manifest(client, page, fetched, provenance, 1))


def _fetch(
    client: HttpClient, zone: LandingZone, spec: RequestSpec, provenance: dict[str, Any]
) -> Fetched:
    try:
        return client.fetch(spec)
    except FetchFailed as exc:
        kept = None
        if exc.response is not None:
            kept = str(zone.land_error(spec, exc.response.body,
                                       _manifest(client, spec, exc.response, provenance, 1)))
        raise ExtractionError(spec.key, f"GET {client.url(spec)} {exc.detail}", kept) from None


def _manifest(
    client: HttpClient, spec: RequestSpec, fetched: Fetched, provenance: dict[str, Any],
    pages: int,
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "request": {"url": client.url(spec), "params": spec.params},
        "http_status": fetched.status,
        "headers": fetched.headers,
        "attempts": fetched.attempts,
        "retries": fetched.retries,
        "fetched_at": fetched.fetched_at,
        "recorded_at": fetched.fetched_at,
        **provenance,
    }
    if pages > 1:
        meta["pages"] = pages
    return meta
