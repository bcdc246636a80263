"""A day the exchange has not yet published is a note of the run, not an extraction error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from flows.catalog import build_catalog
from flows.parse import parse_landed
from flows.sources.landing import LandingZone
from tests.conftest import TEST_DATA

REPORT = (TEST_DATA / "exchanges" / "1837_xxpl_2026-01-30.json").read_text(encoding="utf-8")


def _report_of(day: str) -> bytes:
    doc = json.loads(REPORT)
    for tab in doc:
        tab["metadata"]["subname"] = day
    return json.dumps(doc, ensure_ascii=False).encode()


def test_szse_answering_the_session_before_is_noted_and_the_rest_parses(tmp_path: Path) -> None:
    specs = [spec for spec in build_catalog(date(2026, 1, 29), date(2026, 2, 2))
             if spec.endpoint == "margin_szse"]
    assert [spec.provider_code for spec in specs] == ["2026-01-29", "2026-01-30", "2026-02-02"]
    zone = LandingZone(tmp_path)
    answers = {"2026-01-29": "2026-01-29", "2026-01-30": "2026-01-30",
               "2026-02-02": "2026-01-30"}
    for spec in specs:
        zone.land(spec, _report_of(answers[spec.provider_code]), {"origin": "recorded"})
    frames, report = parse_landed(zone, specs)
    assert report.errors == []
    assert frames["margin"]["trade_date"].to_list() == [date(2026, 1, 29), date(2026, 1, 30)]
    [note] = report.notes
    assert note.startswith("szse/margin_szse [SZSE]: 2026-02-02 is not yet published (the "
                           "answer is the report of the session before, 2026-01-30)")
    assert str(zone.body_path(specs[-1])) in note


def test_a_report_of_an_unrelated_day_still_fails_extraction(tmp_path: Path) -> None:
    [spec] = [spec for spec in build_catalog(date(2026, 2, 2), date(2026, 2, 2))
              if spec.endpoint == "margin_szse"]
    zone = LandingZone(tmp_path)
    zone.land(spec, _report_of("2026-01-22"), {"origin": "recorded"})
    _, report = parse_landed(zone, [spec])
    assert report.notes == []
    [error] = report.errors
    assert "answer is the report of 2026-01-22, requested 2026-02-02" in error
