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
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, NoReturn

import pandas as pd
import polars as pl

from registry.datasets import MARGIN
from transforms.errors import NotPublished, PayloadError
from transforms.payload import decode_json, require, strict_float
from transforms.schemas import conform

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
    cols = require(metadata, "cols", dict, PROVIDER, DATASET, subject)
    for name in FIELDS:
        label = cols.get(name)
        if not isinstance(label, str):
            raise PayloadError(PROVIDER, DATASET, "no column label to read the unit from",
                               field=f"metadata.cols.{name}", subject=subject)
        if UNIT not in label:
            raise PayloadError(PROVIDER, DATASET, f"column is labelled {label!r}, expected "
                               f"{UNIT}: the unit changed", field=f"metadata.cols.{name}",
                               subject=subject)
    rows = require(tab, "data", list, PROVIDER, DATASET, subject)
    if len(rows) != 1 or not isinstance(rows[0], dict):
        raise PayloadError(PROVIDER, DATASET, f"expected one summary row, got {len(rows)}",
                           field="data", subject=subject)
    row: dict[str, Any] = rows[0]
    missing = [name for name in FIELDS if name not in row]
    if missing:
        raise PayloadError(PROVIDER, DATASET, "summary row lacks the field", field=missing[0],
                           subject=subject)
    frame = pl.DataFrame(
        {ours: [None if row[theirs] is None else str(row[theirs]).replace(",", "")]
         for theirs, ours in FIELDS.items()},
        schema={ours: pl.String for ours in FIELDS.values()},
    )
    money = list(FIELDS.values())
    frame = strict_float(frame, money, PROVIDER, DATASET, subject)
    if frame["financing_balance"][0] is None:
        raise PayloadError(PROVIDER, DATASET, "no financing balance", field="jrrzye",
                           subject=subject)
    return conform(
        frame.with_columns(
            [pl.col(name) * YI for name in money]
            + [pl.lit("SZSE").alias("exchange"),
               pl.lit(date.fromisoformat(day)).alias("trade_date")]),
        MARGIN,
    )


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
