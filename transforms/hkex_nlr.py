"""HKEX New Listing Report workbooks → ``ipo_listings`` rows for Hong Kong."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

import openpyxl
import polars as pl

from registry.datasets import IPO_LISTINGS
from transforms.errors import PayloadError
from transforms.schemas import conform

PROVIDER = "hkex"
DATASET = "ipo_hk"
# Header cells are matched by prefix: HKEX rewords them between years ("Company Name at time of
# listing (exclude Chapter 20 cases)") and pads them with spaces and newlines.
HEADERS = {
    "stock code": "code",
    "company name": "name",
    "date of prospectus": "prospectus_date",
    "date of listing": "listing_date",
    "funds raised": "funds_raised",
    "ipo subscription price": "offer_price",
}
CONTINUATION = '"'


def ipo_listings(body: bytes, subject: str) -> pl.DataFrame:
    """Parse the NLR sheet: find the header row wherever it is, fold (a)/(b) tranche rows.

    Each listing spans two rows, public offer (a) and placing (b); the second repeats nothing but
    funds raised, with ``"`` in the other cells. Funds raised is the sum of both tranches.
    Footnote rows at the bottom have no stock code and end the table.
    """
    rows = _sheet_rows(body, subject)
    header_at, positions = _find_header(rows, subject)
    listings: list[dict[str, Any]] = []
    for row in rows[header_at + 1:]:
        code = _cell(row, positions["code"])
        if code in (None, ""):
            if listings and _cell(row, positions["funds_raised"]) is None:
                break
            continue
        funds = _number(_cell(row, positions["funds_raised"]), "funds_raised", subject)
        if code == CONTINUATION:
            if not listings:
                raise PayloadError(PROVIDER, DATASET, "continuation row before any listing",
                                   field="Stock Code", subject=subject)
            if funds is not None:
                listings[-1]["funds_raised"] = (listings[-1]["funds_raised"] or 0.0) + funds
            continue
        code_text = re.sub(r"\D", "", str(code)).zfill(5)
        if not code_text.strip("0"):
            raise PayloadError(PROVIDER, DATASET, f"bad stock code {code!r}",
                               field="Stock Code", subject=subject)
        listings.append({
            "symbol": f"{code_text}.HK",
            "name": " ".join(str(_cell(row, positions["name"]) or "").split()),
            "listing_date": _date(_cell(row, positions["listing_date"]), "listing_date", subject),
            "prospectus_date": _date(_cell(row, positions["prospectus_date"]),
                                     "prospectus_date", subject),
            "offer_price": _number(_cell(row, positions["offer_price"]), "offer_price", subject),
            "funds_raised": funds,
        })
    if not listings:
        raise PayloadError(PROVIDER, DATASET, "no listings under the header", subject=subject)
    return _frame(listings)


def _frame(listings: list[dict[str, Any]]) -> pl.DataFrame:
    frame = pl.DataFrame(listings, schema_overrides={
        "listing_date": pl.Date, "prospectus_date": pl.Date,
        "offer_price": pl.Float64, "funds_raised": pl.Float64,
    })
    return conform(
        frame.with_columns(
            pl.lit("HKEX").alias("exchange"),
            pl.lit("HK").alias("board"),
            pl.lit(None, dtype=pl.Float64).alias("first_day_open"),
            pl.lit(None, dtype=pl.Float64).alias("first_day_close"),
            pl.lit("HKD").alias("currency"),
        ),
        IPO_LISTINGS,
    )


def _sheet_rows(body: bytes, subject: str) -> list[list[Any]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a zoo of zipfile/XML errors for a bad file
        raise PayloadError(PROVIDER, DATASET, f"not a readable xlsx workbook: {exc}",
                           subject=subject) from exc
    sheet = book["NLR"] if "NLR" in book.sheetnames else book.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _find_header(rows: list[list[Any]], subject: str) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:20]):
        labels = [" ".join(str(c).split()).lower() if c is not None else "" for c in row]
        positions: dict[str, int] = {}
        for prefix, ours in HEADERS.items():
            hit = next((i for i, label in enumerate(labels) if label.startswith(prefix)), None)
            if hit is not None:
                positions[ours] = hit
        if "code" in positions:
            missing = [p for p, ours in HEADERS.items() if ours not in positions]
            if missing:
                raise PayloadError(PROVIDER, DATASET, "header row lacks a column",
                                   field=missing[0], subject=subject)
            return index, positions
    raise PayloadError(PROVIDER, DATASET, "no header row with 'Stock Code' in the first 20 rows",
                       field="Stock Code", subject=subject)


def _cell(row: list[Any], position: int) -> Any:
    value = row[position] if position < len(row) else None
    return value.strip() if isinstance(value, str) else value


def _number(value: Any, field: str, subject: str) -> float | None:
    if value in (None, "", CONTINUATION):
        return None
    if isinstance(value, str) and value.upper().startswith("N/A"):
        # "N/A - Transfer of Listing from GEM" and introductions raise no funds at no price.
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace(",", "").replace("HK$", ""))
    except ValueError as exc:
        raise PayloadError(PROVIDER, DATASET, f"non-numeric value {value!r}", field=field,
                           subject=subject) from exc


def _date(value: Any, field: str, subject: str) -> date | None:
    if value in (None, "", CONTINUATION) or (isinstance(value, str) and value.upper() == "N/A"):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise PayloadError(PROVIDER, DATASET, f"unparseable date {value!r}", field=field,
                       subject=subject)
