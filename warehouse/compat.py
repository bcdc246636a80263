"""Compatibility views: the published marts under the column names they had before release 0.2.0.

Release 0.2.0 named every trade date ``trade_date`` (``as_of_date`` stays the date a run or publish
is for) and stopped calling fractions ``_pct``. For one release, each renamed mart is also
published as the view ``compat.<mart>_v1`` in ``marts.duckdb`` (``compat_views/<mart>_v1.sql``):
the mart's columns in their order, each renamed one under its old name, with the mart's column
comments. The views go away in
release ``REMOVED_IN``; the Parquet set carries the new names only.
"""

from __future__ import annotations

import duckdb

from warehouse.db import quote_literal, run_sql_file

SCHEMA = "compat"
REMOVED_IN = "0.3.0"
# Per mart: current column name -> the name it was published under before 0.2.0.
RENAMED: dict[str, dict[str, str]] = {
    "mart_index_performance": {"trade_date": "as_of_date"},
    "mart_index_event_returns": {"trade_date": "as_of_date"},
    "mart_basket_market_value": {"trade_date": "as_of_date", "change_1y_frac": "change_1y_pct"},
    "mart_valuation": {"trade_date": "as_of_date"},
    "mart_margin_financing": {"change_20d_frac": "change_20d_pct"},
}


def view_name(mart: str) -> str:
    """The compatibility view of ``mart`` (unqualified; it lives in schema ``compat``)."""
    if mart not in RENAMED:
        raise ValueError(f"{mart!r} has no renamed columns and no compatibility view")
    return f"{mart}_v1"


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create ``pub.compat.<mart>_v1`` over each renamed mart of the attached ``pub`` file.

    Each view is ``compat_views/<mart>_v1.sql``. A mart held back from a version published
    before the renames still has its old names and needs no view: it is left without one.
    """
    con.execute(f"CREATE SCHEMA pub.{SCHEMA}")
    created = []
    for mart, renamed in RENAMED.items():
        columns = con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'pub' "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [mart]).fetchall()
        if not set(renamed) <= {column for column, _ in columns}:
            continue
        run_sql_file(con, f"compat_views/{view_name(mart)}.sql")
        con.execute(f"COMMENT ON VIEW pub.{SCHEMA}.{_quote_identifier(view_name(mart))} "
                    f"IS {quote_literal(_describe(mart, renamed))}")
        for column, comment in columns:
            if comment:
                con.execute(f"COMMENT ON COLUMN pub.{SCHEMA}.{_quote_identifier(view_name(mart))}"
                            f".{_quote_identifier(renamed.get(column, column))} "
                            f"IS {quote_literal(comment)}")
        created.append(f"{SCHEMA}.{view_name(mart)}")
    return created


def _describe(mart: str, renamed: dict[str, str]) -> str:
    names = ", ".join(f"{old} (now {new})" for new, old in renamed.items())
    return (f"Compatibility view: {mart} under its column names before release 0.2.0: {names}. "
            f"Removed in release {REMOVED_IN}; read {mart} instead.")


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
