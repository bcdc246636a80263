"""The HTML report built from the snapshot run: self-contained, and showing the marts' figures."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from reporting import charts
from reporting.marts import MartsUnavailable, open_marts, query
from reporting.report import CHART_IDS, build_report
from tests.reporting.pages import Tables, copy_published

AS_OF = date(2026, 1, 30)


@pytest.fixture(scope="module")
def report_html(published: RunResult, tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = copy_published(published, tmp_path_factory.mktemp("report") / "data")
    result = build_report(data_dir)
    assert result.path == data_dir / "report.html"
    return result.path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(report_html: str) -> dict[str, list[str]]:
    parser = Tables()
    parser.feed(report_html)
    return parser.rows


def test_report_needs_no_network(report_html: str) -> None:
    assert re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=", report_html) == []
    assert "Plotly.newPlot" in report_html and "plotly.js" in report_html
    for chart_id in CHART_IDS:
        assert report_html.count(f'id="{chart_id}"') == 1, chart_id
    assert report_html.count("Plotly.newPlot(") == len(CHART_IDS)


def test_provenance_is_one_line_linking_to_data_origins(report_html: str) -> None:
    notice = report_html[report_html.index('id="snapshot-banner"'):]
    notice = notice[:notice.index("</p>")]
    assert "bundled offline snapshot" in notice and '<a href="#origins">' in notice
    assert "<li>" not in notice and "<br" not in notice
    origins = report_html[report_html.index('id="origins-summary"'):]
    origins = origins[:origins.index("</ul>")]
    # USD/HKD is derived from ECB rates (reconstructed); seven HK names are synthetic after
    # 2025-10-30 only.
    assert re.search(r"synthetic</strong> stock_chart \(7\):\s*00020.HK", origins)
    assert "synthetic</strong> fx_chart" not in origins
    assert re.search(r"synthetic</strong> eps_forecast", origins)
    assert re.search(r"reconstructed</strong> index_kline \(7\):\s*CHINEXT, CSI300, CSIALL, "
                     r"HSI, HSTECH, NDX, STAR50", origins)
    assert re.search(r"synthetic</strong> margin_szse \(\d+\):\s*SZSE<", origins)
    proxy = report_html[report_html.index('id="proxy-note"'):]
    assert "HSTECH" in proxy[:600] and "513130.SH" in proxy[:600]


def test_index_table_shows_the_marts_returns(rows: dict[str, list[str]]) -> None:
    # STAR 50 closed January 2026 at 1509.402 against 1344.2 on 2025-12-31: +12.29% MTD and YTD.
    name, as_of, close, one_day, mtd, ytd, *_ = rows["STAR50"]
    assert name == "SSE STAR 50" and as_of == "2026-01-30"
    assert close == "1,509.40 CNY"
    assert mtd == ytd == "+12.3%"
    assert rows["HSTECH"][0].endswith("proxy")
    assert {"STAR50", "CHINEXT", "CSI300", "CSIALL", "HSTECH", "HSI", "NDX"} <= set(rows)


def test_rebased_chart_is_each_index_over_its_close_before_the_period(
    published: RunResult,
) -> None:
    assert published.published is not None
    with open_marts(published.published.parent) as con:
        levels = query(con, "index_levels", as_of=AS_OF)
        latest = query(con, "index_latest", as_of=AS_OF)
    fig = charts.index_chart(levels, AS_OF)
    star = next(t for t in fig.data if t.name == "SSE STAR 50")
    assert star.x[0] == "2025-12-31" and star.y[0] == 100
    assert star.y[-1] == pytest.approx(100 * 1509.402 / 1344.2, abs=0.01)
    one_year = next(b for b in fig.layout.updatemenus[0].buttons if b.label == "1Y")
    position = [t.name for t in fig.data].index("Nasdaq-100")
    ndx_1y = one_year.args[0]["y"][position]
    expected = latest.filter(pl.col("index_code") == "NDX")["ret_1y"][0]
    assert ndx_1y[0] == 100 and ndx_1y[-1] == pytest.approx(100 * (1 + expected), abs=0.01)


def test_valuation_highlights_stretched_names(report_html: str) -> None:
    parser = Tables()
    parser.feed(report_html)
    rows = parser.rows
    cambricon = rows["688256.SH"]
    assert cambricon[0].startswith("Cambricon") and cambricon[4] == "120.0x"
    assert cambricon[-1] == "stretched" and "stretched" in parser.classes["688256.SH"]
    assert "stretched" not in parser.classes["688111.SH"]


def test_ipo_table_and_margin_card(rows: dict[str, list[str]], report_html: str) -> None:
    debut = rows["688785.SH"]
    assert debut[0] == "2026-01-28" and debut[6] == "+302.8%"
    assert rows["02513.HK"][-1] == "AI"
    assert "¥2.699tn" in report_html


def test_data_dictionary_carries_every_mart_comment(
    published: RunResult, report_html: str
) -> None:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        comments = con.execute("SELECT comment FROM duckdb_columns() WHERE table_name LIKE "
                               "'mart_%'").fetchall()
    text = html.unescape(report_html)
    missing = [c for (c,) in comments if c not in text]
    assert comments and missing == []


def test_live_data_without_stand_ins_has_no_snapshot_banner(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    with duckdb.connect(str(data_dir / "marts.duckdb")) as con:
        con.execute("UPDATE publish_info SET source = 'live'")
        con.execute("UPDATE data_origins SET origin = 'recorded'")
    page = build_report(data_dir, tmp_path / "out" / "live.html").path.read_text("utf-8")
    assert 'id="snapshot-banner"' not in page
    assert 'id="proxy-note"' in page


def test_a_newer_failed_gate_run_is_shown(published: RunResult, tmp_path: Path) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    latest = data_dir / "gate" / "latest.json"
    doc = json.loads(latest.read_text("utf-8"))
    broken = next(r for r in doc["results"] if r["rule"] == "unique_key")
    broken.update(success=False, unexpected_count=2, sample=[{"symbol": "688256.SH"}],
                  message="security_bars: 2 rows break unique_key: the key must be unique.")
    doc.update(run_id="20990101T000000-abcdef", passed=False)
    latest.write_text(json.dumps(doc), encoding="utf-8")
    page = build_report(data_dir).path.read_text("utf-8")
    assert re.search(r'id="gate-verdict">FAILED<', page)
    assert re.search(r"is newer than the\s+published data", page)
    assert "2 rows break unique_key" in page


def test_freshness_beyond_the_calendars_is_explained_not_fatal(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    # A snapshot is judged on its own as-of date, so only live marts meet the calendars' end.
    with duckdb.connect(str(data_dir / "marts.duckdb")) as con:
        con.execute("UPDATE publish_info SET source = 'live'")
    later = datetime(2031, 1, 6, tzinfo=UTC)
    page = build_report(data_dir, now=later).path.read_text("utf-8")
    assert "is defined only up to" in page and 'id="freshness-table"' not in page


def test_a_snapshot_is_fresh_on_its_own_date_however_late_the_report(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    page = build_report(data_dir, now=datetime(2031, 1, 6, tzinfo=UTC)).path.read_text("utf-8")
    table = page[page.index('id="freshness-table"'):page.index("</table>",
                                                               page.index('id="freshness-table"'))]
    assert 'badge bad' not in table and table.count('badge ok">0<') == 4


def test_missing_marts_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MartsUnavailable, match="Run `cntech run`"):
        build_report(tmp_path)


def test_cli_report_prints_the_path(published: RunResult, tmp_path: Path) -> None:
    data_dir = copy_published(published, tmp_path / "data")
    out = tmp_path / "site" / "index.html"
    result = CliRunner().invoke(app, ["report", "--data-dir", str(data_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == f"report: {out}"
    assert out.stat().st_size > 1_000_000

    missing = CliRunner().invoke(app, ["report", "--data-dir", str(tmp_path / "nothing")])
    assert missing.exit_code == 2
    assert "no published marts" in " ".join(missing.output.split())
    assert "Traceback" not in missing.output
