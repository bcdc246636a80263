"""Rows in HKEX's wire format (the New Listing Report workbook): the inverse of its
transform, for the benchmark generator and tests."""

from __future__ import annotations

import io
from datetime import date

import openpyxl


def nlr_workbook(year: int, listings: list[dict[str, object]], as_of: date) -> bytes:
    """An HKEX New Listing Report: a title row, the header, (a)/(b) tranche row pairs."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("NLR")
    sheet.append([f"Year {year} (up to {as_of.day} {as_of:%B %Y})"])
    sheet.append([None, "Stock Code", "Company Name at time of listing\n(exclude Chapter 20 "
                  "cases)", "Date of Prospectus (dd/mm/yy)", "Date of Listing (dd/mm/yy)",
                  "Sponsor(s)", "Reporting Accountants", "Valuer(s)", "Funds Raised (HK$)",
                  " IPO Subscription Price (HK$)"])
    for number, row in enumerate(listings, start=1):
        public, placing = row["funds_public"], row["funds_placing"]
        sheet.append([number, row["code"], row["name"], row["prospectus"], row["listing"],
                      "Generated Capital Limited\n", "Generated & Co.", "N/A", public,
                      row["offer"], "(a)"])
        sheet.append([None, '"', '"', '"', '"', '"', '"', '"', placing, row["offer"], "(b)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


