"""The report's first screen: the story's headline figures as cards, each linking to its chart.

Every figure is read from the mart frames the report already holds (pure: no I/O), so a card
always says what the chart below it shows, on the date it shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from reporting.page import multiple, pct, usd_bn

CAMBRICON = "688256.SH"
TIGHTENING_EVENT = "margin_tightening"
MTD_INDICES = ("STAR50", "CHINEXT", "HSTECH")
BENCHMARK = "NDX"


@dataclass(frozen=True)
class Card:
    """One headline figure: what it is, its value, the date it is for and the chart behind it."""

    key: str
    label: str
    value: str
    note: str
    as_of: date | None
    href: str
    sign: float | None = None
    proxy: bool = False


def index_row(latest: pl.DataFrame, code: str) -> dict[str, Any] | None:
    """The latest mart_index_performance row of one index, or None when it is not published."""
    rows = latest.filter(pl.col("index_code") == code)
    return rows.row(0, named=True) if rows.height else None


def basket_rows(baskets: pl.DataFrame, basket: str) -> pl.DataFrame:
    """One basket's dated rows, oldest first."""
    return baskets.filter(pl.col("basket") == basket).sort("trade_date")


def security_valuation(valuation: pl.DataFrame, symbol: str) -> dict[str, Any] | None:
    """One security's row of the valuation frame, or None."""
    rows = valuation.filter(pl.col("symbol") == symbol)
    return rows.row(0, named=True) if rows.height else None


def ai_debuts(debuts: pl.DataFrame) -> dict[str, Any]:
    """AI debuts: how many, how many with a first-day close, their median and best first day."""
    ai = debuts.filter(pl.col("is_ai"))
    known = ai.filter(pl.col("first_day_return").is_not_null()).sort("first_day_return")
    best = known.row(-1, named=True) if known.height else None
    return {
        "count": ai.height, "with_first_day": known.height,
        "median": known["first_day_return"].median() if known.height else None,
        "best": best, "last_listing": ai["listing_date"].max() if ai.height else None,
    }


def margin_since_event(margin: pl.DataFrame, events: pl.DataFrame,
                       event_id: str) -> dict[str, Any] | None:
    """Market-wide financing balance on the last session on or before an event and latest.

    The base follows mart_index_event_returns: the close on or before the event date.
    """
    event = events.filter(pl.col("event_id") == event_id)
    if event.is_empty() or margin.is_empty():
        return None
    day: date = event["event_date"][0]
    before = margin.filter(pl.col("trade_date") <= day)
    if before.is_empty():
        return None
    base, last = before.row(-1, named=True), margin.row(-1, named=True)
    return {
        "event": event["name"][0], "event_date": day, "base_date": base["trade_date"],
        "base": base["financing_balance_cny"], "date": last["trade_date"],
        "balance": last["financing_balance_cny"],
        "change": last["financing_balance_cny"] - base["financing_balance_cny"],
        "change_frac": last["financing_balance_cny"] / base["financing_balance_cny"] - 1,
        "after_event": last["trade_date"] > day,
    }


def _index_card(latest: pl.DataFrame, code: str) -> Card | None:
    row = index_row(latest, code)
    if row is None:
        return None
    ndx = index_row(latest, BENCHMARK)
    excess = row["excess_mtd_vs_ndx"]
    versus = (f"vs Nasdaq-100 {pct(ndx['ret_mtd'])}: "
              + ("–" if excess is None else f"{excess * 100:+.1f} pts")
              if ndx else "Nasdaq-100 not published")
    return Card(key=code, label=f"{row['name']}, month to date", value=pct(row["ret_mtd"]),
                note=versus, as_of=row["trade_date"], href="#chart-index", sign=row["ret_mtd"],
                proxy=bool(row["is_proxy"]))


def _basket_cards(baskets: pl.DataFrame) -> list[Card]:
    china, us = basket_rows(baskets, "china_ai"), basket_rows(baskets, "us_ai")
    if china.is_empty():
        return []
    last = china.row(-1, named=True)
    gain = last["change_1y_usd"]
    cards = [Card(
        key="china_ai_1y", label="China AI basket, one-year gain (USD)",
        value=usd_bn(gain, signed=True),
        note=(f"{pct(last['change_1y_frac'])} to " if gain is not None else "no value a year "
              "earlier; now ") + (f"{usd_bn(last['market_cap_usd'])} · {last['members_priced']}"
                                  f"/{last['members_total']} members priced"),
        as_of=last["trade_date"], href="#chart-baskets", sign=gain)]
    if last["china_us_ratio"] is not None and not us.is_empty():
        us_last = us.filter(pl.col("trade_date") <= last["trade_date"]).row(-1, named=True)
        cards.append(Card(
            key="china_us_ratio", label="China AI / US AI market value",
            value=pct(last["china_us_ratio"], 1, signed=False),
            note=(f"{usd_bn(last['market_cap_usd'])} vs {usd_bn(us_last['market_cap_usd'])}"
                  f" ({us_last['members_total']} US names)"),
            as_of=last["trade_date"], href="#chart-baskets"))
    return cards


def _ipo_card(debuts: pl.DataFrame, as_of: date) -> Card:
    ai = ai_debuts(debuts)
    best = ai["best"]
    note = (f"median of {ai['with_first_day']} of {ai['count']} AI debuts with a first-day close"
            + (f" · best {best['name']} {pct(best['first_day_return'], 0)}" if best else ""))
    return Card(key="ai_ipo", label="AI IPOs, first-day gain", value=pct(ai["median"], 0),
                note=note, as_of=ai["last_listing"] or as_of, href="#chart-ipo-first-day",
                sign=ai["median"])


def _valuation_card(valuation: pl.DataFrame, names: dict[str, str]) -> Card:
    row = security_valuation(valuation, CAMBRICON)
    name = row["name"] if row else "Cambricon"
    label = " ".join(part for part in (name, names.get(CAMBRICON), "forward P/E") if part)
    if row is None:
        return Card(key="cambricon", label=label, value="–",
                    note="not in the published valuations", as_of=None, href="#chart-valuation")
    return Card(
        key="cambricon", label=label,
        value=multiple(row["pe_forward"]),
        note=f"trailing {multiple(row['pe_ttm'])}" + (" · stretched" if row["is_stretched"]
                                                       else ""),
        as_of=row["trade_date"], href="#chart-valuation")


def _margin_card(margin: pl.DataFrame, events: pl.DataFrame) -> Card:
    since = margin_since_event(margin, events, TIGHTENING_EVENT)
    if since is None:
        return Card(key="margin", label="Margin balance since the CSRC tightening", value="–",
                    note="the tightening (ref_events) is later than this date, or no balance "
                    "precedes it", as_of=None, href="#chart-margin")
    return Card(
        key="margin", label="Margin balance since the CSRC tightening",
        value=pct(since["change_frac"]),
        note=(f"¥{since['base'] / 1e12:,.3f}tn on {since['base_date']} → "
              f"¥{since['balance'] / 1e12:,.3f}tn"),
        as_of=since["date"], href="#chart-margin", sign=since["change_frac"])


def headline_cards(frames: dict[str, pl.DataFrame], names: dict[str, str],
                   as_of: date) -> list[Card]:
    """The first screen's cards, in the order the story is told."""
    indices = [c for c in (_index_card(frames["index_latest"], code) for code in MTD_INDICES)
               if c is not None]
    return [
        *indices, *_basket_cards(frames["basket_value"]),
        _ipo_card(frames["ipo_debuts"], as_of),
        _valuation_card(frames["valuation_latest"], names),
        _margin_card(frames["margin_total"], frames["events"]),
    ]
