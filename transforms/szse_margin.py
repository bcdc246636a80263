"""Shenzhen Stock Exchange margin report ``1837_xxpl`` for one day → one ``margin`` row for SZSE.

Payload contract: a JSON list of report tabs; the summary tab (``metadata.tabkey`` ``tab1``)
holds exactly one row with ``jrrzye`` (financing balance), ``jrrzmr`` (financing purchases) and
``jrrjye`` (value of securities lent out) as strings with thousands separators, and
``metadata.cols`` labels each of them in 亿元, which is what makes the unit checkable: a label
in any other unit is a contract break, never a silent factor of 1e8. ``metadata.subname`` must
be the day requested. Asked for a day it has not yet published, the exchange answers with the
report of the session before: that is :class:`NotPublished` (a late day, no rows), while a
report of any other date is a contract break.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

import pandas as pd
import polars as pl

from registry.datasets import MARGIN
from transforms.errors import NotPublished, PayloadError
from transforms.payload import ParsedBatch, decode_json, require, strict_batch
from transforms.schemas import conform, with_item

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

PROVIDER = "szse"
DATASET = "margin_szse"
SUMMARY_TAB = "tab1"
FIELDS = {"jrrzye": "financing_balance", "jrrzmr": "financing_buy", "jrrjye": "lending_balance"}
UNIT = "亿元"
YI = 1e8
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Shenzhen trades on the Shanghai calendar (exchange-calendars has no XSHE).
CALENDAR = "XSHG"


def margin(body: bytes, subject: str, day: str) -> pl.DataFrame:
    """SZSE's own margin summary for ``day`` (``YYYY-MM-DD``), converted from 亿元 to yuan."""
    batch = margin_batch([(body, subject, day)])
    if batch.errors:
        raise batch.errors[0]
    return batch.frame.drop("item")


def margin_batch(landed: Sequence[tuple[bytes, str, str]]) -> ParsedBatch:
    """Many days' summaries (body, subject, day) → ``margin`` rows in yuan, one per good body.

    Each body's report, day and units are checked on their own; the figures of every body are
    typed in one pass (a backfill reads a body a day, and typing them one by one was most of
    its cost).
    """
    errors: dict[int, PayloadError | NotPublished] = {}
    items: list[int] = []
    days: list[date] = []
    figures: dict[str, list[str | None]] = {ours: [] for ours in FIELDS.values()}
    for item, (body, subject, day) in enumerate(landed):
        try:
            row = _summary_row(body, subject, day)
        except (PayloadError, NotPublished) as exc:
            errors[item] = exc
            continue
        items.append(item)
        days.append(date.fromisoformat(day))
        for theirs, ours in FIELDS.items():
            figures[ours].append(None if row[theirs] is None
                                 else str(row[theirs]).replace(",", ""))
    money = list(FIELDS.values())
    typed, offences = strict_batch(pl.DataFrame([
        pl.Series("item", items, pl.UInt32), pl.Series("trade_date", days, pl.Date),
        *(pl.Series(ours, values, pl.String) for ours, values in figures.items()),
    ]), [], money)
    for item, (name, message) in offences.items():
        errors[item] = PayloadError(PROVIDER, DATASET, message, field=name,
                                    subject=landed[item][1])
    for item in typed.filter(pl.col("financing_balance").is_null())["item"]:
        errors.setdefault(item, PayloadError(PROVIDER, DATASET, "no financing balance",
                                             field="jrrzye", subject=landed[item][1]))
    good = typed.filter(~pl.col("item").is_in(list(errors))).with_columns(
        [pl.col(name) * YI for name in money] + [pl.lit("SZSE").alias("exchange")])
    return ParsedBatch(conform(good, with_item(MARGIN)), dict(sorted(errors.items())))


def _summary_row(body: bytes, subject: str, day: str) -> dict[str, Any]:
    """The summary row of a report that is ``day``'s, its figures labelled in 亿元."""
    doc = decode_json(body, PROVIDER, DATASET, subject)
    if not isinstance(doc, list) or not doc:
        raise PayloadError(PROVIDER, DATASET, "expected a non-empty list of report tabs",
                           subject=subject)
    tab = _summary_tab(doc, subject)
    metadata = require(tab, "metadata", dict, PROVIDER, DATASET, subject)
    published = metadata.get("subname")
    if not isinstance(published, str) or not ISO_DATE.match(published):
        raise PayloadError(PROVIDER, DATASET, f"no report date to check the day against "
                           f"({published!r})", field="metadata.subname", subject=subject)
    if published != day:
        _wrong_day(date.fromisoformat(published), date.fromisoformat(day), subject)
    _check_units(require(metadata, "cols", dict, PROVIDER, DATASET, subject), subject)
    rows = require(tab, "data", list, PROVIDER, DATASET, subject)
    if len(rows) != 1 or not isinstance(rows[0], dict):
        raise PayloadError(PROVIDER, DATASET, f"expected one summary row, got {len(rows)}",
                           field="data", subject=subject)
    row: dict[str, Any] = rows[0]
    missing = [name for name in FIELDS if name not in row]
    if missing:
        raise PayloadError(PROVIDER, DATASET, "summary row lacks the field", field=missing[0],
                           subject=subject)
    return row


def _check_units(cols: dict[str, Any], subject: str) -> None:
    for name in FIELDS:
        label = cols.get(name)
        if not isinstance(label, str):
            raise PayloadError(PROVIDER, DATASET, "no column label to read the unit from",
                               field=f"metadata.cols.{name}", subject=subject)
        if UNIT not in label:
            raise PayloadError(PROVIDER, DATASET, f"column is labelled {label!r}, expected "
                               f"{UNIT}: the unit changed", field=f"metadata.cols.{name}",
                               subject=subject)


def _wrong_day(published: date, day: date, subject: str) -> NoReturn:
    """The previous session's report means ``day`` is not yet out; any other date is a breach."""
    if published == previous_session(day):
        raise NotPublished(PROVIDER, DATASET, subject, day.isoformat(),
                           f"the answer is the report of the session before, {published}")
    raise PayloadError(PROVIDER, DATASET, f"answer is the report of {published}, requested "
                       f"{day}", field="metadata.subname", subject=subject)


def previous_session(day: date) -> date | None:
    """The Shanghai/Shenzhen session before ``day``, or None outside the calendar's range."""
    calendar = _calendar()
    stamp = pd.Timestamp(day)
    if not calendar.first_session < stamp <= calendar.last_session + pd.Timedelta(days=1):
        return None
    session: pd.Timestamp = calendar.date_to_session(stamp - pd.Timedelta(days=1), "previous")
    return session.date()


@cache
def _calendar() -> ExchangeCalendar:
    import exchange_calendars as xcals

    return xcals.get_calendar(CALENDAR)


def _summary_tab(tabs: list[Any], subject: str) -> dict[str, Any]:
    for tab in tabs:
        if isinstance(tab, dict) and isinstance(tab.get("metadata"), dict) and (
                tab["metadata"].get("tabkey") == SUMMARY_TAB):
            return tab
    raise PayloadError(PROVIDER, DATASET, f"no report tab with tabkey {SUMMARY_TAB!r}",
                       field="metadata.tabkey", subject=subject)
