from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from transforms.errors import PayloadError
from transforms.hkex_nlr import ipo_listings


def _nlr(snapshot_dir: Path) -> bytes:
    return (snapshot_dir / "hkex" / "nlr" / "NLR2026_Eng.xlsx").read_bytes()


def test_genuine_report_folds_tranches(snapshot_dir: Path) -> None:
    frame = ipo_listings(_nlr(snapshot_dir), "2026")
    zhipu = frame.filter(frame["symbol"] == "02513.HK").row(0, named=True)
    assert zhipu["listing_date"] == date(2026, 1, 8)
    assert zhipu["offer_price"] == 116.2
    # public offer (a) + placing (b) tranches
    assert zhipu["funds_raised"] == pytest.approx(869629180 + 4130735700)
    # HKEX's own 2026 report gives code 06656 to two April listings (Sigenergy and Youzan); the
    # gate's unique-key rule is what catches that, so the parser keeps both rows.
    assert frame.filter(frame["symbol"] == "06656.HK").height == 2


def test_shifted_header_row_is_found(snapshot_dir: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_nlr(snapshot_dir)))
    book["NLR"].insert_rows(1, amount=3)
    buffer = io.BytesIO()
    book.save(buffer)
    frame = ipo_listings(buffer.getvalue(), "2026")
    assert "02513.HK" in frame["symbol"].to_list()


def test_renamed_header_is_a_named_error(snapshot_dir: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(_nlr(snapshot_dir)))
    sheet = book["NLR"]
    for cell in sheet[2]:
        if isinstance(cell.value, str) and cell.value.startswith("Date of Listing"):
            cell.value = "Listed on"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(PayloadError, match="date of listing"):
        ipo_listings(buffer.getvalue(), "2026")


def test_html_instead_of_xlsx() -> None:
    with pytest.raises(PayloadError, match="not a readable xlsx"):
        ipo_listings(b"<html>Service Unavailable</html>", "2026")
