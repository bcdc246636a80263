"""Units declared once, checked everywhere: the registry's ranges, level shifts and steps."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.gate import GateResult
from expectations.history import history_views, stored_tables
from expectations.measures import measure_views, measured
from registry import STAGING_TABLES
from tests.expectations.gate_fixture import AS_OF
from tests.expectations.narrowed import run_gate_on

# Days before this are moved from staging into core: the stored history a batch continues.
SEAM = "2026-01-20"


def gate(con: duckdb.DuckDBPyConnection, results_dir: Path, *tables: str,
         rules: tuple[str, ...] = ()) -> GateResult:
    return run_gate_on(con, *tables, rules=rules, run_id="measures", as_of=AS_OF,
                       results_dir=results_dir)


def store_history(con: duckdb.DuckDBPyConnection) -> None:
    """Merge the fixture's days before ``SEAM`` into core, as an earlier run would have."""
    for table in ("index_bars", "security_bars", "fx_rates", "valuation", "margin"):
        assert table in STAGING_TABLES
        con.execute(f"INSERT INTO core.{table} BY NAME SELECT * EXCLUDE (source_file), "
                    f"'earlier-run' AS loaded_run_id FROM staging.{table} "
                    f"WHERE trade_date < DATE '{SEAM}'")
        con.execute(f"DELETE FROM staging.{table} WHERE trade_date < DATE '{SEAM}'")


def failure(result: GateResult, table: str, rule: str) -> list[dict]:
    found = [f for f in result.failures if (f.table, f.rule) == (table, rule)]
    assert found, result.summary()
    assert found[0].severity == "fail"
    return found[0].sample


def test_clean_batch_on_stored_history_passes(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    result = gate(warehouse, tmp_path)
    assert result.passed, result.summary()
    measures = [o for o in result.failures if o.rule.startswith(("unit_", "step_", "value_"))]
    assert measures == []


@pytest.mark.parametrize(
    ("table", "column", "factor", "series", "slip"),
    [
        ("valuation", "market_cap", 1e4, "688256.SH", "万元"),
        ("valuation", "total_shares", 1e-8, "603019.SH", "亿"),
        ("security_bars", "close", 100, "00700.HK", "分"),
        ("security_bars", "volume", 100, "NVDA.US", "lots of 100"),
        ("index_bars", "amount", 1e8, "STAR50", "亿元"),
    ],
)
def test_a_column_in_another_unit_fails_naming_series_column_factor_and_slip(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, table: str, column: str,
    factor: float, series: str, slip: str,
) -> None:
    store_history(warehouse)
    key = "index_code" if table == "index_bars" else "symbol"
    assert column.isidentifier() and key.isidentifier()
    warehouse.execute(f"UPDATE staging.{table} SET {column} = {column} * ? WHERE {key} = ?",
                      [factor, series])

    result = gate(warehouse, tmp_path, table, rules=("unit_level_stable",))

    assert not result.passed
    [row] = [r for r in failure(result, table, "unit_level_stable") if r["series"] == series]
    assert row["measure"] == column
    assert row["level_factor"] == pytest.approx(factor, rel=0.05)
    assert slip in row["likely_level_slip"]
    assert row["source_file"]
    assert f"{table}: 1 row breaks unit_level_stable" in "\n".join(
        f.message for f in result.failures)


def test_first_load_without_history_is_judged_by_the_declared_range(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("UPDATE staging.fx_rates SET rate = rate * 100 WHERE pair = 'USDCNY'")
    result = gate(warehouse, tmp_path, "fx_rates", rules=("value_in_plausible_range",))
    sample = failure(result, "fx_rates", "value_in_plausible_range")
    assert sample[0]["series"] == "USDCNY" and sample[0]["measure"] == "rate"
    assert sample[0]["high"] == 200.0 and sample[0]["first_bad_value"] > 200


@pytest.mark.parametrize("sentinel", [0.0, 9999.99 * 10, -99999.0, 9999.0])
def test_sentinel_pe_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, sentinel: float
) -> None:
    warehouse.execute("UPDATE staging.valuation SET pe_ttm = ? WHERE symbol = '603019.SH' "
                      "AND trade_date = DATE '2026-01-22'", [sentinel])
    result = gate(warehouse, tmp_path, "valuation", rules=("value_in_plausible_range",))
    sample = failure(result, "valuation", "value_in_plausible_range")
    assert sample[0] | {"series": "603019.SH", "measure": "pe_ttm",
                        "first_bad_date": "2026-01-22"} == sample[0]


def test_one_day_in_another_unit_fails_the_step_rule(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.index_bars SET close = close * 10, open = open * 10, "
                      "high = high * 10, low = low * 10 "
                      "WHERE index_code = 'NDX' AND trade_date = DATE '2026-01-23'")
    result = gate(warehouse, tmp_path, "index_bars", rules=("step_plausible",))
    sample = failure(result, "index_bars", "step_plausible")
    closes = [r for r in sample if r["measure"] == "close"]
    assert closes and closes[0]["series"] == "NDX"
    assert closes[0]["worst_step"] == pytest.approx(10, rel=0.05)
    assert "tenfold" in closes[0]["likely_step_slip"]


def test_only_a_column_that_declares_a_step_is_summarised_by_its_steps(
    warehouse: duckdb.DuckDBPyConnection
) -> None:
    store_history(warehouse)
    # A tenfold day in a column without a declared step (bars) and in one with a step (indices).
    warehouse.execute("UPDATE staging.security_bars SET close = close * 10 "
                      "WHERE symbol = 'NVDA.US' AND trade_date = DATE '2026-01-23'")
    warehouse.execute("UPDATE staging.index_bars SET close = close * 10 "
                      "WHERE index_code = 'NDX' AND trade_date = DATE '2026-01-23'")
    core = stored_tables(warehouse)
    with history_views(warehouse, core), measure_views(warehouse, core):
        summaries = warehouse.sql("SELECT dataset, series, measure, worst_step "
                                  "FROM gate_staged_summaries").fetchall()

    steps = {(d.name, m.name): m.step for d in measured() for m in d.measures}
    seen: dict[tuple[str, str], list[float | None]] = {}
    for dataset, _, measure, worst in summaries:
        seen.setdefault((dataset, measure), []).append(worst)
    undeclared = {key for key, step in steps.items() if step is None}
    assert ("security_bars", "close") in undeclared
    assert all(worst is None for key in undeclared & seen.keys() for worst in seen[key])
    for key in seen.keys() - undeclared:
        assert any(worst is not None for worst in seen[key]), key
    [ndx] = [w for d, s, m, w in summaries if (d, s, m) == ("index_bars", "NDX", "close")]
    assert ndx == pytest.approx(10, rel=0.05)


def test_a_series_in_parts_counts_bad_values_across_parts_and_names_the_first(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # 688256.SH's forecasts for fiscal 2025 and 2026 are one series in two parts.
    warehouse.execute("INSERT INTO staging.eps_forecast SELECT * REPLACE "
                      "(DATE '2026-01-13' AS report_date, 4000.0 AS eps) FROM staging.eps_forecast "
                      "WHERE symbol = '688256.SH' AND fiscal_year = 2026")
    warehouse.execute("UPDATE staging.eps_forecast SET eps = -3000 "
                      "WHERE symbol = '688256.SH' AND fiscal_year = 2025")

    result = gate(warehouse, tmp_path, "eps_forecast", rules=("value_in_plausible_range",))

    [row] = failure(result, "eps_forecast", "value_in_plausible_range")
    assert row | {"series": "688256.SH", "measure": "eps", "out_of_range": 2,
                  "first_bad_date": "2026-01-13", "first_bad_value": 4000.0} == row
