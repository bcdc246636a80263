"""Edits of a landing-zone copy in the providers' own formats, re-signed like a re-landed body.

A bad payload reaches the pipeline the way a provider would serve it: the body is landed again
through the one landing-zone writer, so its manifest carries the new sha256 (only ``unsigned``
leaves the old one, as tampering would).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from flows.sources.bodies import api_json
from flows.sources.landing import ENDPOINT_KEY, LandingZone
from flows.sources.window import META_SUFFIX

KLINE_DATE, KLINE_OPEN, KLINE_CLOSE, KLINE_HIGH, KLINE_LOW, KLINE_VOLUME = range(6)


class Snapshot:
    """A writable landing-zone copy that remembers which bodies were edited."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.touched: list[str] = []

    def write(self, relpath: str, body: bytes, *, sign: bool = True) -> None:
        """Replace a body: re-landed with its manifest (``sign``), or its bytes alone.

        Either way the body is a new file: the copy's files may be links to the bundled ones.
        """
        if sign:
            reland(self.root, relpath, body)
        else:
            (self.root / relpath).unlink()
            (self.root / relpath).write_bytes(body)
        if relpath not in self.touched:
            self.touched.append(relpath)

    def read(self, relpath: str) -> bytes:
        """The current body."""
        return (self.root / relpath).read_bytes()

    def edit_json(self, relpath: str, edit: Callable[[Any], None]) -> None:
        """Load a JSON body, let ``edit`` change it in place, write it back compactly.

        Python's encoder writes NaN and infinities as the bare ``NaN``/``Infinity`` tokens that
        JavaScript-minded providers emit, so a float edit shows up exactly as a provider would.
        """
        doc = json.loads(self.read(relpath))
        edit(doc)
        self.write(relpath, api_json(doc))

    def kline(self, secid: str, edit: Callable[[list[list[str]]], None]) -> None:
        """Edit an Eastmoney kline body as rows of its comma-separated fields."""

        def apply(doc: dict[str, Any]) -> None:
            rows = [line.split(",") for line in doc["data"]["klines"]]
            edit(rows)
            doc["data"]["klines"] = [",".join(row) for row in rows]

        self.edit_json(f"eastmoney/kline/{secid}.json", apply)

    def chart(self, ticker: str, edit: Callable[[dict[str, Any]], None]) -> None:
        """Edit the single result of a Yahoo chart body."""
        self.edit_json(f"yahoo/chart/{ticker}.json", lambda doc: edit(doc["chart"]["result"][0]))

    def report(self, report: str, key: str, edit: Callable[[list[dict[str, Any]]], None]) -> None:
        """Edit the data rows of an Eastmoney datacenter report body.

        The envelope's ``count`` follows the rows, as the provider's own answer to a request
        that returns those rows would.
        """

        def rows(doc: dict[str, Any]) -> None:
            edit(doc["result"]["data"])
            if "count" in doc["result"]:
                doc["result"]["count"] = len(doc["result"]["data"])

        self.edit_json(f"eastmoney/datacenter/{report}/{key}.json", rows)

    def workbook(self, year: int, edit: Callable[[Any], None]) -> None:
        """Edit the NLR sheet of an HKEX New Listing Report workbook."""
        relpath = f"hkex/nlr/NLR{year}_Eng.xlsx"
        book = openpyxl.load_workbook(io.BytesIO(self.read(relpath)))
        edit(book["NLR"])
        buffer = io.BytesIO()
        book.save(buffer)
        self.write(relpath, buffer.getvalue())


def reland(root: Path, relpath: str, body: bytes) -> None:
    """Replace a landed body as a refetch would: landed afresh through
    :class:`LandingZone` with its old manifest's request and provenance, and the new body's
    sha256 and size."""
    path = root / relpath
    meta_path = path.with_name(path.name + META_SUFFIX)
    meta = json.loads(meta_path.read_bytes())
    provider, endpoint, subject = (meta.pop(key) for key in ("provider", ENDPOINT_KEY,
                                                             "subject"))
    meta = {key: value for key, value in meta.items() if key not in ("sha256", "bytes")}
    path.unlink()
    meta_path.unlink()
    LandingZone(root, durable=False).put(relpath, body, provider=provider, endpoint=endpoint,
                                         subject=subject, meta=meta)


def kline_row(rows: list[list[str]], day: str) -> list[str]:
    """The kline row of ``day`` (YYYY-MM-DD)."""
    return next(row for row in rows if row[KLINE_DATE] == day)


def like(original: str, value: float) -> str:
    """``value`` written with as many decimals as ``original`` (the body's declared precision)."""
    decimals = len(original.partition(".")[2])
    return f"{value:.{decimals}f}"


def scale(row: list[str], fields: tuple[int, ...], factor: float) -> None:
    """Multiply kline fields, keeping their precision."""
    for index in fields:
        row[index] = like(row[index], float(row[index]) * factor)


def chart_index(result: dict[str, Any], day: str) -> int:
    """Position of ``day`` in a chart, dating timestamps in the exchange's own time zone."""
    zone = ZoneInfo(result["meta"]["exchangeTimezoneName"])
    wanted = date.fromisoformat(day)
    return next(i for i, ts in enumerate(result["timestamp"])
                if datetime.fromtimestamp(ts, UTC).astimezone(zone).date() == wanted)


def chart_set(result: dict[str, Any], day: str, **values: float | None) -> None:
    """Set quote fields (open, high, low, close, volume) of one chart day."""
    index = chart_index(result, day)
    quote = result["indicators"]["quote"][0]
    for name, value in values.items():
        quote[name][index] = value


def chart_scale_from(result: dict[str, Any], day: str, factor: float) -> None:
    """Multiply every price from ``day`` on."""
    start = chart_index(result, day)
    quote = result["indicators"]["quote"][0]
    for name in ("open", "high", "low", "close"):
        quote[name][start:] = [None if v is None else v * factor for v in quote[name][start:]]


def chart_truncate_after(result: dict[str, Any], day: str) -> None:
    """Drop every bar after ``day``: the feed stopped there."""
    keep = chart_index(result, day) + 1
    result["timestamp"] = result["timestamp"][:keep]
    quote = result["indicators"]["quote"][0]
    for name in list(quote):
        quote[name] = quote[name][:keep]


def report_row(rows: list[dict[str, Any]], date_field: str, day: str,
               **match: object) -> dict[str, Any]:
    """The report row dated ``day`` whose other fields equal ``match``."""
    return next(row for row in rows if row[date_field].startswith(day)
                and all(row[k] == v for k, v in match.items()))


def nlr_row(sheet: Any, code: str) -> int:
    """The worksheet row number (1-based) of a listing's first tranche."""
    for row in sheet.iter_rows(min_col=2, max_col=2):
        if row[0].value == code:
            return int(row[0].row)
    raise KeyError(code)
