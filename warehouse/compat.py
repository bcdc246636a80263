"""Compatibility views: the published tables under the column names they had before release 0.2.0.

Release 0.2.0 named every trade date ``trade_date`` (``as_of_date`` stays the date a run or publish
is for), stopped calling fractions ``_pct`` and named the request kind in ``data_origins`` its
``endpoint`` (``dataset`` now names the dataset it feeds). For one release, each renamed table
is also published as the view ``compat.<table>_v1`` in ``marts.duckdb``
(``compat_views/<table>_v1.sql``): the table's columns in their order, each renamed one under
its old name, a new column that took an old name left out, with the table's column comments.
The views go away in release ``REMOVED_IN``; the Parquet set carries the new names only.
"""

from __future__ import annotations

import duckdb

from warehouse.db import quote_identifier, quote_literal, run_sql_file

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
# The same for the run tables published beside the marts.
RENAMED_RUN_TABLES: dict[str, dict[str, str]] = {
    "data_origins": {"endpoint": "dataset"},
}
VIEWS = {**RENAMED, **RENAMED_RUN_TABLES}
# Per table: new columns under a name a renamed column had before, left out of its view
# (``data_origins.dataset`` held the endpoint; today it is the dataset the endpoint feeds).
LEFT_OUT: dict[str, set[str]] = {"data_origins": {"dataset"}}


def view_name(table: str) -> str:
    """The compatibility view of ``table`` (unqualified; it lives in schema ``compat``)."""
    if table not in VIEWS:
        raise ValueError(f"{table!r} has no renamed columns and no compatibility view")
    return f"{table}_v1"


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create ``pub.compat.<table>_v1`` over each renamed table of the attached ``pub`` file.

    Each view is ``compat_views/<table>_v1.sql``. A mart held back from a version published
    before the renames still has its old names and needs no view: it is left without one, as is
    a table this version does not publish.
    """
    con.execute(f"CREATE SCHEMA pub.{SCHEMA}")
    created = []
    for table, renamed in VIEWS.items():
        columns = con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = 'pub' "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [table]).fetchall()
        left_out = LEFT_OUT.get(table, set())
        if not set(renamed) | left_out <= {column for column, _ in columns}:
            continue
        run_sql_file(con, f"compat_views/{view_name(table)}.sql")
        con.execute(f"COMMENT ON VIEW pub.{SCHEMA}.{quote_identifier(view_name(table))} "
                    f"IS {quote_literal(_describe(table, renamed, left_out))}")
        for column, comment in columns:
            if comment and column not in left_out:
                con.execute(f"COMMENT ON COLUMN pub.{SCHEMA}.{quote_identifier(view_name(table))}"
                            f".{quote_identifier(renamed.get(column, column))} "
                            f"IS {quote_literal(comment)}")
        created.append(f"{SCHEMA}.{view_name(table)}")
    return created


def _describe(table: str, renamed: dict[str, str], left_out: set[str]) -> str:
    names = ", ".join(f"{old} (now {new})" for new, old in renamed.items())
    dropped = "".join(f" Today's {table}.{column} is a new column and not in this view."
                      for column in sorted(left_out))
    return (f"Compatibility view: {table} under its column names before release 0.2.0: "
            f"{names}.{dropped} Removed in release {REMOVED_IN}; read {table} instead.")

