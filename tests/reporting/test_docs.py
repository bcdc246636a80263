"""``cntech docs``: the data dictionary from the marts' comments, and GX Data Docs of the gate."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from reporting.docs import DocsResult, write_docs
from reporting.gate_docs import build_gate_docs, validation_pages


def _copy_published(published: RunResult, target: Path) -> Path:
    assert published.published is not None
    target.mkdir(parents=True)
    shutil.copy2(published.published, target / "marts.duckdb")
    shutil.copytree(published.published.parent / "gate", target / "gate")
    return target


@pytest.fixture(scope="module")
def written(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> DocsResult:
    return write_docs(_copy_published(published, tmp_path_factory.mktemp("docs") / "data"))


def test_dictionary_documents_every_published_column(
    written: DocsResult, published: RunResult
) -> None:
    assert published.published is not None
    text = written.dictionary.read_text(encoding="utf-8")
    with duckdb.connect(str(published.published), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE database_name = current_database()").fetchall()
        tables = con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall()
        rows = con.execute("SELECT count(*) FROM mart_valuation").fetchall()[0][0]
    for table, comment in tables:
        assert f"### `{table}`" in text, table
        assert comment and f"\n\n{comment}\n\n" in text, table
    for _, column, data_type, comment in columns:
        assert f"| `{column}` | {data_type} | {comment.replace('|', chr(92) + '|')} |" in text
    assert "—" not in text
    assert f"### `mart_valuation` ({rows:,} rows)" in text
    section = text[text.index("### `data_origins`"):]
    assert "recorded (a genuine provider response)" in section[:section.index("\n### ")]
    assert text.index("## Marts") < text.index("### `mart_index_performance`") < text.index(
        "## Reference and run tables") < text.index("### `publish_info`")


def test_gate_data_docs_have_a_page_per_suite(written: DocsResult) -> None:
    assert written.gate_docs is not None and written.gate_docs.is_file()
    assert written.notes == []
    site = written.gate_docs.parent
    doc = json.loads((site.parents[1] / "gate" / "latest.json").read_text(encoding="utf-8"))
    pages = validation_pages(site, doc["run_id"])
    assert set(pages) == {r["suite"] for r in doc["results"]}
    page = pages["index_bars"].read_text(encoding="utf-8")
    assert doc["run_id"] in page and "Succeeded" in page
    assert "staging.index_bars" in page
    checks = sum(r["suite"] == "index_bars" for r in doc["results"])
    statistics = re.sub(r"<[^>]+>", " ", page[page.index("Evaluated Expectations"):][:600])
    assert " ".join(statistics.split()).startswith(
        f"Evaluated Expectations {checks} Successful Expectations {checks} "
        "Unsuccessful Expectations 0")


def test_a_failed_rule_shows_its_sample_in_the_data_docs(
    written: DocsResult, tmp_path: Path
) -> None:
    site = written.gate_docs.parent if written.gate_docs else tmp_path
    doc = json.loads((site.parents[1] / "gate" / "latest.json").read_text(encoding="utf-8"))
    broken = next(r for r in doc["results"]
                  if r["suite"] == "security_bars" and r["rule"] == "unique_key")
    broken.update(success=False, unexpected_count=2, sample=[
        {"symbol": "688256.SH", "trade_date": "2025-05-07", "source_file": "kline/x.json"}])
    doc["passed"] = False
    built = build_gate_docs(doc, tmp_path / "site")
    page = built.pages["security_bars"].read_text(encoding="utf-8")
    assert "Failed" in page and "2025-05-07" in page and "688256.SH" in page
    assert "Succeeded" in built.pages["index_bars"].read_text(encoding="utf-8")


def test_cli_docs_writes_both(published: RunResult, tmp_path: Path) -> None:
    data_dir = _copy_published(published, tmp_path / "data")
    shutil.rmtree(data_dir / "gate")
    result = CliRunner().invoke(app, ["docs", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert f"data dictionary: {data_dir / 'data_dictionary.md'}" in result.output
    assert "No gate results yet" in result.output
    assert not (data_dir / "docs").exists()
