"""Edits of reports, exchange files, workbooks, manifests and seeds for the held-out corpus."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tests.flows.bad_data.edits import VALUATION, document, report
from tests.flows.bad_data.edits_series import TAIL_FROM, Edit, chain
from tests.flows.bad_data.payloads import Snapshot, nlr_row, report_row

NLR_LISTING_DATE, NLR_FUNDS, NLR_PRICE = 5, 9, 10


def val(code: str, *edits: Edit) -> Callable[[Snapshot], None]:
    """Edit one security's valuation report."""
    return report(VALUATION, code, chain(*edits))


def hkex(*edits: Edit) -> Callable[[Snapshot], None]:
    """Edit the 2026 HKEX New Listing Report."""
    return lambda snapshot: snapshot.workbook(2026, chain(*edits))


def sse(*edits: Edit) -> Callable[[Snapshot], None]:
    """Edit the day objects of the SSE margin summary (``opDate`` YYYYMMDD, newest first); its
    ``pageHelp.total`` counts them, as the exchange's own answer does."""

    def edit(doc: dict[str, Any]) -> None:
        chain(*edits)(doc["result"])
        doc["pageHelp"]["total"] = len(doc["result"])

    return document("sse/margin/SSE.json", edit)


def both(*mutates: Callable[[Snapshot], None]) -> Callable[[Snapshot], None]:
    """Several bodies edited alike: one bad print that every vendor copied."""

    def mutate(snapshot: Snapshot) -> None:
        for one in mutates:
            one(snapshot)

    return mutate


def report_tail(date_field: str, since: str = TAIL_FROM) -> Edit:
    """Keep the report rows an incremental request from ``since`` returns."""
    return lambda rows: rows.__setitem__(slice(None), [
        row for row in rows if row[date_field][:10] >= since])


def report_scale(field: str, factor: float, date_field: str, since: str = "",
                 **match: object) -> Edit:
    """Multiply one field of the rows dated ``since`` or later whose fields equal ``match``."""

    def edit(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if row[date_field][:10] >= since and all(row[k] == v for k, v in match.items()):
                row[field] = row[field] * factor

    return edit


def report_set(date_field: str, day: str, **changes: object) -> Edit:
    """Overwrite fields of the row dated ``day``."""
    return lambda rows: report_row(rows, date_field, day).update(changes)


def report_copy_day(date_field: str, source: str, day: str) -> Edit:
    """A copy of the row dated ``source`` dated ``day``, kept in date order."""

    def edit(rows: list[dict[str, Any]]) -> None:
        row = dict(report_row(rows, date_field, source))
        row[date_field] = f"{day} 00:00:00"
        rows.append(row)
        rows.sort(key=lambda r: r[date_field])

    return edit


def ipo_set(code: str, **changes: object) -> Edit:
    """Overwrite fields of one A-share IPO row."""
    return lambda rows: next(r for r in rows if r["SECURITY_CODE"] == code).update(changes)


def declare_pages(pages: int, missing_rows: int) -> Edit:
    """Page 1 of a paged report, saying it is page 1 of ``pages``: the rest never landed."""

    def edit(doc: dict[str, Any]) -> None:
        doc["result"]["pages"] = pages
        doc["result"]["count"] = len(doc["result"]["data"]) + missing_rows

    return edit


def sse_tail(rows: list[dict[str, Any]]) -> None:
    """Keep the SSE days an incremental request from ``TAIL_FROM`` returns."""
    rows[:] = [row for row in rows if row["opDate"] >= TAIL_FROM.replace("-", "")]


def sse_scale(field: str, factor: float, since: str) -> Edit:
    """Multiply one figure of every SSE day from ``since`` (YYYYMMDD) on."""

    def edit(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            if row["opDate"] >= since:
                row[field] = round(row[field] * factor)

    return edit


def sse_copy_day(source: str, day: str) -> Edit:
    """A copy of the SSE day ``source`` dated ``day`` (both YYYYMMDD), newest first."""

    def edit(rows: list[dict[str, Any]]) -> None:
        rows.append({**next(r for r in rows if r["opDate"] == source), "opDate": day})
        rows.sort(key=lambda r: r["opDate"], reverse=True)

    return edit


def szse_scale(field: str, factor: float) -> Edit:
    """Multiply one figure of SZSE's day (亿元 text with thousands separators)."""

    def edit(tabs: list[dict[str, Any]]) -> None:
        row = tabs[0]["data"][0]
        row[field] = f"{float(row[field].replace(',', '')) * factor:,.2f}"

    return edit


def nlr_set(code: str, column: int, value: object, *, both_tranches: bool = False) -> Edit:
    """Overwrite one cell of a listing's row in an HKEX New Listing Report (and its (b) row)."""

    def edit(sheet: Any) -> None:
        row = nlr_row(sheet, code)
        for number in (row, row + 1) if both_tranches else (row,):
            sheet.cell(row=number, column=column).value = value

    return edit


def nlr_scale_funds(code: str, factor: float) -> Edit:
    """Funds raised of both tranches of a listing multiplied by ``factor``."""

    def edit(sheet: Any) -> None:
        row = nlr_row(sheet, code)
        for number in (row, row + 1):
            cell = sheet.cell(row=number, column=NLR_FUNDS)
            cell.value = cell.value * factor

    return edit


def drop_manifest(relpath: str) -> Callable[[Snapshot], None]:
    """The body stays, its ``.meta.json`` is gone: nothing says what was asked or when."""

    def edit(snapshot: Snapshot) -> None:
        (snapshot.root / f"{relpath}.meta.json").unlink()
        snapshot.touched.append(relpath)

    return edit


def listing_day(day: str) -> datetime:
    """A listing date as the HKEX workbook stores it."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time())


def seed_set(seeded: str, **changes: str) -> Callable[[Path], None]:
    """Overwrite fields of the ``seeded`` security's row of ``securities.csv``."""
    return lambda seeds_dir: _edit_securities(seeds_dir, lambda rows: next(
        r for r in rows if r["symbol"] == seeded).update(changes))


def seed_duplicate(symbol: str) -> Callable[[Path], None]:
    """One security seeded twice."""
    return lambda seeds_dir: _edit_securities(seeds_dir, lambda rows: rows.append(dict(next(
        r for r in rows if r["symbol"] == symbol))))


def _edit_securities(seeds_dir: Path, edit: Callable[[list[dict[str, str]]], None]) -> None:
    path = seeds_dir / "securities.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or ())
        rows = list(reader)
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
