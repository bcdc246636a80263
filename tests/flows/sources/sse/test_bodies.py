"""The SSE margin encoder round-trips through the project's own transform."""

from __future__ import annotations

import json
from datetime import date

import pytest

from flows.sources.registry import parse
from flows.sources.sse.bodies import MarginDay, margin_body
from transforms.errors import NotPublished

# SSE's own figures for the last three sessions of January 2026 (tests/data/exchanges).
DAYS = [MarginDay(date(2026, 1, 28), 1_402_787_630_194.0, 152_124_139_086.0, 8_952_941_221.0),
        MarginDay(date(2026, 1, 30), 1_386_477_445_631.0, 137_165_276_106.0, 8_532_987_126.0),
        MarginDay(date(2026, 1, 29), 1_399_892_508_990.0, 160_588_571_469.0, 8_814_697_361.0)]


def test_a_margin_body_parses_back_to_its_days() -> None:
    table, frame = parse("margin_sse", margin_body(DAYS), "SSE", "SSE")
    assert table == "margin"
    ordered = sorted(DAYS, key=lambda d: d.day)
    assert frame["trade_date"].to_list() == [d.day for d in ordered]
    assert frame["financing_balance"].to_list() == [d.financing_balance for d in ordered]
    assert frame["financing_buy"].to_list() == [d.financing_buy for d in ordered]
    assert frame["lending_balance"].to_list() == [d.lending_balance for d in ordered]
    assert frame["exchange"].to_list() == ["SSE"] * 3


def test_a_margin_body_is_newest_first_with_its_total_like_the_exchanges() -> None:
    doc = json.loads(margin_body(DAYS))
    assert [row["opDate"] for row in doc["result"]] == ["20260130", "20260129", "20260128"]
    assert doc["result"][0]["rzrqjyzl"] == 1_395_010_432_757
    assert doc["pageHelp"]["total"] == 3 and doc["pageHelp"]["data"] == doc["result"]


def test_no_days_is_the_exchanges_nothing_published_yet_answer() -> None:
    with pytest.raises(NotPublished):
        parse("margin_sse", margin_body([]), "SSE", "SSE")
