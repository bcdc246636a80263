"""The landing zone keeps bodies immutable, keeps error pages aside and merges report pages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from flows.catalog import build_catalog
from flows.sources import registry
from flows.sources.errors import ExtractionError
from flows.sources.landing import LandingZone
from flows.sources.request import page_of
from tests.conftest import SNAPSHOT

CATALOG = build_catalog(date(2024, 12, 2), date(2026, 1, 30))
STAR50 = next(spec for spec in CATALOG if spec.subject == "STAR50")
MARGIN_SPLIT = next(spec for spec in CATALOG if spec.endpoint == "margin_exchange")
EASTMONEY = registry.provider("eastmoney").client


def _star50() -> bytes:
    return (SNAPSHOT / STAR50.path).read_bytes()


def test_a_landed_body_is_immutable(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    path = zone.land(STAR50, _star50(), {"origin": "recorded"})
    assert zone.read(STAR50) == _star50()
    with pytest.raises(ExtractionError, match="refusing to overwrite"):
        zone.land(STAR50, b"{}", {})
    path.write_bytes(_star50().replace(b"1509.402", b"1609.402"))
    with pytest.raises(ExtractionError, match="does not match the sha256 in its manifest"):
        zone.read(STAR50)


def test_error_pages_are_kept_aside_and_never_replaced(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    first = zone.land_error(STAR50, b"<html>502</html>", {"http_status": 502})
    second = zone.land_error(STAR50, b"<html>503</html>", {"http_status": 503})
    assert first == tmp_path / "errors" / "eastmoney/kline/1.000688.json"
    assert second == tmp_path / "errors" / "eastmoney/kline/1.000688.2.json"
    assert second.read_bytes() == b"<html>503</html>"
    assert not zone.complete(STAR50)


def _pages(rows: list[dict[str, object]], size: int, count: int) -> list[bytes]:
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
    return [json.dumps({"result": {"pages": len(chunks), "data": chunk, "count": count},
                        "success": True, "code": 0}).encode() for chunk in chunks]


def test_pages_read_back_as_one_report(tmp_path: Path) -> None:
    rows = json.loads((SNAPSHOT / MARGIN_SPLIT.path).read_bytes())["result"]["data"]
    zone = LandingZone(tmp_path)
    pages = _pages(rows, 250, len(rows))
    assert EASTMONEY.page_count(MARGIN_SPLIT, pages[0]) == 3
    zone.land(MARGIN_SPLIT, pages[0], {"pages": 3})
    for number, page in enumerate(pages[1:], start=2):
        zone.land(page_of(MARGIN_SPLIT, number), page, {})
    assert zone.complete(MARGIN_SPLIT)
    assert json.loads(zone.read(MARGIN_SPLIT))["result"]["data"] == rows


@pytest.mark.parametrize("pages", [1, 3, 12])
def test_the_page_count_is_read_however_the_report_begins(pages: int) -> None:
    recorded = (SNAPSHOT / MARGIN_SPLIT.path).read_bytes()
    assert recorded.startswith(b'{"version":"') and b'"result":{"pages":1,' in recorded[:80]
    as_written = recorded.replace(b'"pages":1,', f'"pages":{pages},'.encode(), 1)
    reordered = json.dumps({"result": {"data": [], "pages": pages}}).encode()
    assert EASTMONEY.page_count(MARGIN_SPLIT, as_written) == pages
    assert EASTMONEY.page_count(MARGIN_SPLIT, reordered) == pages
    # A truncated first page is unreadable, which counts as one page (the parser names it).
    assert EASTMONEY.page_count(MARGIN_SPLIT, as_written[:-100]) == 1


def test_pages_that_disagree_with_the_declared_count_are_refused() -> None:
    rows: list[dict[str, object]] = [{"DIM_DATE": f"2026-01-{day:02d}"} for day in range(1, 11)]
    with pytest.raises(ExtractionError, match="10 rows but page 1 declared 11") as caught:
        EASTMONEY.merge_pages(MARGIN_SPLIT, _pages(rows, 4, 11))
    assert caught.value.field == "result.count"


def test_throttled_shapes_are_recognised() -> None:
    report = next(spec for spec in CATALOG if spec.endpoint == "valuation")
    assert EASTMONEY.looks_throttled(STAR50, b'{"rc":0,"data":null}')
    assert EASTMONEY.looks_throttled(STAR50, b'{"rc":0,"data":{"klines":[]}}')
    assert not EASTMONEY.looks_throttled(STAR50, _star50())
    assert EASTMONEY.looks_throttled(report, b'{"success":true,"result":null}')
    assert not EASTMONEY.looks_throttled(
        report, '{"success":false,"result":null,"code":9201,"message":"返回数据为空"}'.encode())
    assert not EASTMONEY.looks_throttled(STAR50, b"<html>busy</html>")


def test_a_body_without_its_manifest_is_refused_until_adopted(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    path = zone.land(STAR50, _star50(), {"origin": "recorded"})
    path.with_name(path.name + ".meta.json").unlink()
    with pytest.raises(ExtractionError, match="has no manifest") as caught:
        zone.read(STAR50)
    assert "CNTECH_ADOPT_UNMANIFESTED" in str(caught.value)
    assert zone.adopt([STAR50]) == [STAR50.path]
    assert zone.meta(STAR50)["origin"] == "adopted"
    assert zone.read(STAR50) == _star50()
    assert zone.adopt([STAR50]) == []


def test_a_report_whose_later_pages_never_landed_is_refused(tmp_path: Path) -> None:
    rows = json.loads((SNAPSHOT / MARGIN_SPLIT.path).read_bytes())["result"]["data"]
    zone = LandingZone(tmp_path)
    first = _pages(rows, 250, len(rows))[0]
    # The manifest claims a single page, as a zone copied without its page files would.
    zone.land(MARGIN_SPLIT, first, {"origin": "recorded"})
    with pytest.raises(ExtractionError, match="declares 3 pages but 1 landed") as caught:
        zone.read(MARGIN_SPLIT)
    assert caught.value.field == "result.pages"


def test_a_landing_path_outside_the_zone_is_refused(tmp_path: Path) -> None:
    crafted = replace(STAR50, path="eastmoney/kline/../../../escaped.json")
    with pytest.raises(ExtractionError, match="leaves"):
        LandingZone(tmp_path / "zone").land(crafted, b"{}", {})
    assert not (tmp_path / "escaped.json").exists()
