"""The real flaws the snapshot builder repaired, fed unrepaired through parser and gate."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.sources.registry import parse
from tests.conftest import TEST_DATA
from tests.expectations.narrowed import run_gate_on
from warehouse import db, load, seeds

FLAWED = TEST_DATA / "flawed"

CASES = [
    # (file, request code, staging table, rule the gate must break, a date it must name)
    ("eastmoney_kline_1.000300_amount_unit_break.json", "1.000300", "index_bars",
     "amount_unit_stable", "2026-03-17"),
    ("eastmoney_kline_1.603019_halt_filler.json", "1.603019", "security_bars",
     "volume_positive", "2025-05-26"),
    ("yahoo_chart_000300.SS_blank_rows.json", "000300.SS", "index_bars",
     "close_not_null", "2026-06-15"),
    ("yahoo_chart_2513.HK_flat_row_and_spike.json", "2513.HK", "security_bars",
     "volume_positive", "2026-02-16"),
    ("yahoo_chart_CNY=X_blank_rows.json", "CNY=X", "fx_rates", "rate_not_null", "2025-12-25"),
]


@pytest.mark.parametrize(("name", "code", "table", "rule", "day"), CASES,
                         ids=[c[0] for c in CASES])
def test_gate_catches_the_unrepaired_original(
    tmp_path: Path, name: str, code: str, table: str, rule: str, day: str
) -> None:
    meta = json.loads((FLAWED / f"{name}.meta.json").read_text(encoding="utf-8"))
    staged_table, frame = parse(meta["dataset"], (FLAWED / name).read_bytes(), meta["subject"],
                                code)
    assert staged_table == table
    as_of: date = frame["trade_date"].max()  # type: ignore[assignment]
    con = duckdb.connect()
    db.apply_ddl(con)
    seeds.load_seeds(con)
    seeds.load_sessions(con, date(2024, 12, 2), as_of)
    load.set_run_context(con, run_id="flawed", as_of=as_of, source="snapshot")
    load.stage(con, table, frame.with_columns(pl.lit(name).alias("source_file")))
    result = run_gate_on(con, table, rules=(rule,), run_id="flawed", as_of=as_of,
                         results_dir=tmp_path)
    con.close()
    assert not result.passed
    hits = [f for f in result.failures if f.table == table and f.rule == rule]
    assert hits, f"{rule} not among {[(f.table, f.rule) for f in result.failures]}"
    assert any(str(row.get("trade_date", "")).startswith(day) for row in hits[0].sample)
