"""Reference seeds (CSV) and exchange trading calendars loaded into ``ref.*``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import exchange_calendars as xcals
import polars as pl

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


class CalendarRangeError(ValueError):
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
