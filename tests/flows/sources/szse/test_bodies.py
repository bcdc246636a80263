"""The SZSE margin encoder round-trips through the project's own transform."""

from __future__ import annotations

import json
from datetime import date

import pytest

from flows.sources.registry import parse
from flows.sources.szse.bodies import margin_body
from tests.conftest import REPO

DAY = date(2026, 1, 30)
# SZSE's own report of that day, in yuan (tests/data/exchanges/1837_xxpl_2026-01-30.json).
FIGURES = {"financing_balance": 13982.04e8, "financing_buy": 1014.15e8,
           "lending_balance": 72.31e8}


def test_a_margin_body_parses_back_to_its_figures() -> None:
    table, frame = parse("margin_szse", margin_body(DAY, **FIGURES), "SZSE", DAY.isoformat())
    assert table == "margin"
    row = frame.row(0, named=True)
    assert row["trade_date"] == DAY and row["exchange"] == "SZSE"
    assert {name: row[name] for name in FIGURES} == {
        name: pytest.approx(value) for name, value in FIGURES.items()}


def test_a_margin_body_writes_the_recorded_reports_summary_row() -> None:
    recorded = json.loads((REPO / "tests/data/exchanges/1837_xxpl_2026-01-30.json").read_bytes())
    summary = next(tab for tab in recorded if tab["metadata"]["tabkey"] == "tab1")
    written = json.loads(margin_body(DAY, **FIGURES))[0]
    for column in ("jrrzye", "jrrzmr", "jrrjye"):
        assert written["data"][0][column] == summary["data"][0][column]
        assert written["metadata"]["cols"][column] == summary["metadata"]["cols"][column]
    assert written["metadata"]["subname"] == summary["metadata"]["subname"]
