"""Window, calendars, CSV readers, seeded RNGs and number formatting shared by the builders."""

from __future__ import annotations

import csv
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import numpy as np

WINDOW_START = date(2024, 12, 2)
WINDOW_END = date(2026, 1, 30)
REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "warehouse" / "seeds"
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Repair:
    """One explicit rule applied to source rows, with the dates it touched."""

    rule: str
    detail: str
    rows: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The ``repairs[]`` entry of a ``.meta.json``."""
        return {"rule": self.rule, "detail": self.detail, "rows": list(self.rows)}


@dataclass(frozen=True)
class Bar:
    """A daily bar; ``None`` marks a value the source does not have."""

    day: date
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    volume: float | None


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` (optionally followed by a time) → date."""
    return date.fromisoformat(text[:10])


def in_window(day: date) -> bool:
    """True when ``day`` lies inside the snapshot window."""
    return WINDOW_START <= day <= WINDOW_END


def iso(day: date) -> str:
    """``YYYY-MM-DD``."""
    return day.isoformat()


def read_table(path: Path, date_column: str | None = None) -> list[dict[str, str]]:
    """Rows of a CSV keyed by its first header line; the date column defaults to the first.

    yfinance multi-index CSVs carry one or two more header lines (ticker, ``Date``) before the
    data; those are skipped, but a non-date line after the first data line is an error because
    it would mean the file is not what PROVENANCE.md describes.
    """
    rows: list[dict[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        position = 0 if date_column is None else header.index(date_column)
        for cells in reader:
            if not cells:
                continue
            if not DATE_RE.match(cells[position]):
                if rows:
                    raise ValueError(f"{path}: non-date line after data: {cells!r}")
                continue
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


@dataclass(frozen=True)
class WindowRows:
    """A source file cut to the window: the row before it, the kept rows, dropped blanks."""

    before: dict[str, str] | None
    rows: list[dict[str, str]]
    blank: list[str]


def window_rows(rows: list[dict[str, str]], date_column: str, values: list[str]) -> WindowRows:
    """Keep in-window rows, set aside blank placeholder rows, remember the last earlier row."""
    before: dict[str, str] | None = None
    kept: list[dict[str, str]] = []
    blank: list[str] = []
    for row in rows:
        day = parse_day(row[date_column])
        if is_blank(row, values):
            if in_window(day):
                blank.append(iso(day))
        elif day < WINDOW_START:
            before = row
        elif in_window(day):
            kept.append(row)
    return WindowRows(before, kept, blank)


def blank_repair(blank: list[str], source: str) -> list[Repair]:
    """``drop_blank_rows`` when the source had placeholder rows inside the window."""
    if not blank:
        return []
    return [Repair("drop_blank_rows",
                   f"{source}: placeholder rows with a date and no values removed", tuple(blank))]


def check_sessions(days: list[date], calendar: str, label: str) -> None:
    """A series must cover exactly the exchange's sessions; anything else is a build error."""
    expected = sessions(calendar)
    if tuple(days) != expected:
        missing = sorted(set(expected) - set(days))
        extra = sorted(set(days) - set(expected))
        raise ValueError(f"{label}: dates are not the sessions in order (missing {missing[:5]}, "
                         f"extra {extra[:5]}, {len(days) - len(set(days))} duplicates)")


def is_blank(row: dict[str, str], columns: list[str]) -> bool:
    """A placeholder row: date present, every value column empty."""
    return all(row[name].strip() == "" for name in columns)


def load_seed(name: str) -> list[dict[str, str]]:
    """A reference seed CSV from ``warehouse/seeds``."""
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def sessions(calendar: str) -> tuple[date, ...]:
    """Exchange sessions inside the window."""
    cal = xcals.get_calendar(calendar, start="2024-01-02", end="2026-12-31")
    return tuple(day.date() for day in cal.sessions_in_range(WINDOW_START, WINDOW_END))


@cache
def early_closes(calendar: str) -> frozenset[date]:
    """Half-day sessions inside the window."""
    cal = xcals.get_calendar(calendar, start="2024-01-02", end="2026-12-31")
    return frozenset(day.date() for day in cal.early_closes if in_window(day.date()))


def latest_on_or_before(days: list[date], target: date) -> date:
    """The last of the sorted ``days`` that is not after ``target``."""
    candidates = [day for day in days if day <= target]
    if not candidates:
        raise ValueError(f"no date on or before {target}")
    return candidates[-1]


def rng_for(*parts: str) -> np.random.Generator:
    """A generator seeded from the CRC32 of the joined parts, so each series is reproducible."""
    return np.random.default_rng(zlib.crc32("|".join(parts).encode("utf-8")))


def seed_of(*parts: str) -> int:
    """The integer seed ``rng_for`` uses, for origin_detail texts."""
    return zlib.crc32("|".join(parts).encode("utf-8"))


def epoch_at(day: date, at: time, timezone: str) -> int:
    """UTC epoch seconds of a local wall-clock time on ``day``."""
    return int(datetime.combine(day, at, ZoneInfo(timezone)).timestamp())


def decimals(text: str) -> int:
    """Digits after the decimal point in a source number."""
    return len(text.split(".", 1)[1]) if "." in text else 0


def whole(text: str) -> str:
    """An integral source number (``311350090.0``) as integer text; anything else is an error."""
    value = Decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"expected a whole number, got {text!r}")
    return str(int(value))


def scaled(text: str, factor: int) -> str:
    """Exact decimal rescaling of a source amount to two decimals, Eastmoney's amount format."""
    return format(Decimal(text) * factor, ".2f")
