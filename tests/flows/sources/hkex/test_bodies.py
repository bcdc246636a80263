"""The HKEX New Listing Report encoder round-trips through the project's own transform."""

from __future__ import annotations

from datetime import date

from flows.sources.hkex.bodies import nlr_workbook
from flows.sources.registry import parse


def test_a_listing_report_parses_back_to_its_listings() -> None:
    listings: list[dict[str, object]] = [{
        "code": "02513", "name": "Knowledge Atlas", "prospectus": date(2025, 1, 2),
        "listing": date(2025, 1, 10), "funds_public": 1_000_000, "funds_placing": 9_000_000,
        "offer": 20.5}]
    body = nlr_workbook(2025, listings, date(2025, 3, 1))
    _, frame = parse("ipo_hk", body, "2025", "NLR2025_Eng.xlsx")
    row = frame.row(0, named=True)
    assert frame.height == 1
    assert (row["symbol"], row["name"], row["exchange"]) == ("02513.HK", "Knowledge Atlas", "HKEX")
    assert row["listing_date"] == date(2025, 1, 10) and row["offer_price"] == 20.5
    # Both tranches, public and placing, make up the funds raised.
    assert row["funds_raised"] == 10_000_000.0
