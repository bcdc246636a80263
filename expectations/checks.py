"""The vocabulary suites are written in: a check query, the rules validated on its frame."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from registry import STAGING_TABLES

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

Severity = Literal["fail", "warn"]

SQL_DIR = Path(__file__).parent / "sql"


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite, with the gate's id, severity and wording for it.

    `description` states what must hold, as a clause ("close must be above zero"); `show` names
    the value columns that explain a failure, copied into the sample next to the key columns.
    """

    rule: str
    expectation: Expectation
    description: str
    severity: Severity = "fail"
    show: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # GX returns results out of suite order; the rule id in meta is how they are matched back.
        self.expectation.meta = {"rule": self.rule}


@dataclass(frozen=True)
class Check:
    """A check query and the rules validated against the frame it returns.

    `suite` names the GX suite: the staging table for its row-level check, `<table>.<aspect>` for
    checks at another grain (missing sessions, freshness). `keys` identify an offending row.
    Queries shared across tables return a generic `series` column, renamed to `series_key`.
    `reads` names the other datasets whose staged rows the query reads (the market a series
    moves with): how heavy a query is follows from the datasets it reads.
    """

    table: str
    suite: str
    sql: str
    params: dict[str, object]
    keys: tuple[str, ...]
    rules: tuple[Rule, ...]
    series_key: str | None = None
    reads: tuple[str, ...] = ()


@dataclass(frozen=True)
class SuiteInputs:
    """What suites are parameterised with: the run's as-of date, the seeded identifiers and
    the datasets whose suites run (``tables``; every dataset's when empty)."""

    as_of: date
    index_codes: tuple[str, ...]
    tables: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.tables) - set(STAGING_TABLES))
        if unknown:
            raise ValueError(f"no suite for {', '.join(unknown)}; the datasets with suites are "
                             f"{', '.join(STAGING_TABLES)}")


def read_sql(name: str) -> str:
    """The text of one query file under `expectations/sql`."""
    return (SQL_DIR / name).read_text(encoding="utf-8")
