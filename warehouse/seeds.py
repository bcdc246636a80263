"""Reference seeds (CSV) and exchange trading calendars loaded into ``ref.*``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import exchange_calendars as xcals
import polars as pl

from errors import CntechError
from warehouse.db import sql_text

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SEED_SCHEMAS: dict[str, dict[str, type[pl.DataType] | pl.DataType]] = {
    "securities": {
        "symbol": pl.String, "name": pl.String, "name_local": pl.String, "exchange": pl.String,
        "calendar": pl.String, "board": pl.String, "currency": pl.String, "is_ai": pl.Boolean,
        "shares_outstanding": pl.Float64, "provider": pl.String, "provider_code": pl.String,
        "data_origin": pl.String,
    },
    "indices": {
        "index_code": pl.String, "name": pl.String, "calendar": pl.String,
        "currency": pl.String, "provider": pl.String, "provider_code": pl.String,
        "is_proxy": pl.Boolean, "note": pl.String,
    },
    "baskets": {"basket": pl.String, "symbol": pl.String},
    "events": {"event_id": pl.String, "event_date": pl.Date, "name": pl.String},
    "boards": {"board": pl.String, "daily_limit": pl.Float64, "note": pl.String},
    "suspensions": {
        "symbol": pl.String, "start_date": pl.Date, "end_date": pl.Date, "reason": pl.String,
    },
    "ipo_ai": {"symbol": pl.String, "reason": pl.String},
}
CALENDARS = ("XSHG", "XHKG", "XNYS")


class CalendarRangeError(CntechError, ValueError):
    """The as-of date lies beyond what a trading calendar defines."""


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> pl.DataFrame:
    """One seed CSV with its declared column types."""
    return pl.read_csv(seeds_dir / f"{name}.csv", schema=SEED_SCHEMAS[name])


def load_seeds(con: duckdb.DuckDBPyConnection, seeds_dir: Path = SEEDS_DIR) -> None:
    """Replace every ``ref.<seed>`` table with the CSV's rows (tables come from ddl/)."""
    for name in SEED_SCHEMAS:
        frame = read_seed(name, seeds_dir)
        con.register("seed_frame", frame.to_arrow())
        try:
            con.execute(f"DELETE FROM ref.{name}")
            con.execute(f"INSERT INTO ref.{name} BY NAME SELECT * FROM seed_frame")
        finally:
            con.unregister("seed_frame")


def sessions(calendar: str, start: date, end: date) -> list[date]:
    """Trading sessions of ``calendar`` in [start, end].

    exchange-calendars only knows sessions up to a horizon (XSHG: end of 2026). Treating the days
    past it as holidays would make every later run look stale or complete, so it is an error.
    """
    cal = xcals.get_calendar(calendar)
    last = cal.last_session.date()
    if end > last:
        raise CalendarRangeError(
            f"the {calendar} trading calendar (exchange-calendars {xcals.__version__}) ends on "
            f"{last}; as-of {end} is beyond it. Upgrade exchange-calendars to a release that "
            f"covers {end.year}."
        )
    first = max(start, cal.first_session.date())
    return [ts.date() for ts in cal.sessions_in_range(first, end)]


def load_sessions(con: duckdb.DuckDBPyConnection, start: date, end: date) -> None:
    """Fill ``ref.sessions`` for every calendar the seeds use, over [start, end]."""
    rows = [(cal, day) for cal in CALENDARS for day in sessions(cal, start, end)]
    frame = pl.DataFrame(rows, schema={"calendar": pl.String, "session_date": pl.Date},
                         orient="row")
    con.register("session_frame", frame.to_arrow())
    try:
        con.execute("DELETE FROM ref.sessions")
        con.execute("INSERT INTO ref.sessions BY NAME SELECT * FROM session_frame")
    finally:
        con.unregister("session_frame")


def day_kinds(con: duckdb.DuckDBPyConnection, dataset: str, days: pl.DataFrame) -> pl.DataFrame:
    """What each (series, trade_date) in ``days`` is in the series' seeded calendar.

    Returns ``days``' two columns plus ``kind``: ``suspended`` (inside a seeded suspension),
    ``closed`` (no session of the calendar) or ``early_close`` (a half-day session). Full
    sessions, series without a seed and days beyond a calendar's horizon are left out.
    """
    key = days.columns[0]
    seeded = con.sql(sql_text("ops/series_calendars.sql"), params={"dataset": dataset}).pl()
    tagged = days.join(seeded.rename({"series": key}), on=key, how="inner")
    suspended = tagged.filter(pl.col("trade_date").is_between("start_date", "end_date"))
    kinds = [suspended.select(key, "trade_date", pl.lit("suspended").alias("kind"))]
    for (calendar,), group in tagged.unique([key, "trade_date"]).group_by("calendar"):
        kinds.append(_calendar_kinds(str(calendar), group.select(key, "trade_date")))
    schema = {key: pl.String, "trade_date": pl.Date, "kind": pl.String}
    return (pl.concat([k.cast(schema) for k in kinds])  # type: ignore[arg-type]
            .unique([key, "trade_date"], keep="first", maintain_order=True))


def _calendar_kinds(calendar: str, days: pl.DataFrame) -> pl.DataFrame:
    """``closed`` or ``early_close`` for the days of one calendar that are not full sessions."""
    cal = xcals.get_calendar(calendar)
    first, last = cal.first_session.date(), cal.last_session.date()
    known = days.filter(pl.col("trade_date").is_between(first, last))
    if not known.height:
        return known.with_columns(pl.lit(None, pl.String).alias("kind"))
    start, end = known["trade_date"].min(), known["trade_date"].max()
    open_days = sessions(calendar, start, end)  # type: ignore[arg-type]
    early = [ts.date() for ts in cal.early_closes if start <= ts.date() <= end]
    kind = (pl.when(~pl.col("trade_date").is_in(open_days)).then(pl.lit("closed"))
            .when(pl.col("trade_date").is_in(early)).then(pl.lit("early_close")))
    return known.with_columns(kind.alias("kind")).filter(pl.col("kind").is_not_null())
