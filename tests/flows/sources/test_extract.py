"""Every malformed answer ends as one clear error, its body kept, nothing staged from it.

Each case serves the bundled snapshot's real bodies from a loopback server with one request
broken, lands a sample of the catalog (every dataset) through ``flows.sources.extract.land_all`` and
parses it with ``parse_landed``: the other requests must still land and parse.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from pytest_httpserver import HTTPServer

from flows.catalog import build_catalog
from flows.parse import parse_landed
from flows.sources.extract import land_all
from flows.sources.landing import LandingZone
from flows.sources.request import RequestSpec
from tests.conftest import SNAPSHOT
from tests.flows.sources.replay import (
    Fault,
    ProviderReplay,
    body,
    fast_settings,
    install,
    loopback,
    reset,
    status,
)

CATALOG = build_catalog(date(2026, 1, 5), date(2026, 1, 30))
BY_PATH = {spec.path: spec for spec in CATALOG}
STAR50 = "eastmoney/kline/1.000688.json"
CAMBRICON = "eastmoney/kline/1.688256.json"
NDX = "yahoo/chart/^NDX.json"
VALUATION = "eastmoney/datacenter/RPT_VALUEANALYSIS_DET/688256.json"
MARGIN = "eastmoney/datacenter/RPTA_WEB_MARGIN_DAILYTRADE/ALL.json"
MARGIN_SPLIT = "eastmoney/datacenter/RPTA_RZRQ_LSDB/SSE_SZSE.json"
NLR = "hkex/nlr/NLR2026_Eng.xlsx"
# Every request a case breaks, plus the first of every other dataset: the rest of a run.
SAMPLE = [spec for spec in CATALOG if spec.path in {STAR50, CAMBRICON, NDX, VALUATION, MARGIN, NLR}
          or spec == next(s for s in CATALOG if s.endpoint == spec.endpoint)]
GATEWAY_PAGE = (b"<html><head><title>502 Bad Gateway</title></head><body><center>"
                b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    with loopback() as running:
        yield running


@dataclass
class Landed:
    """What one run over the catalog produced."""

    zone: LandingZone
    replay: ProviderReplay
    errors: list[str]
    frames: dict[str, pl.DataFrame]


def _run(server: HTTPServer, root: Path, faults: dict[str, Fault] | None = None,
         specs: list[RequestSpec] = SAMPLE) -> Landed:
    replay = ProviderReplay(SNAPSHOT)
    for path, fault in (faults or {}).items():
        replay.script(path, forever=fault)
    zone = LandingZone(root)
    errors = land_all(fast_settings(install(server, replay)), zone, specs)
    # As the nightly flow does: a request that failed to land is reported once, not parsed.
    frames, report = parse_landed(zone, [spec for spec in specs if zone.complete(spec)])
    return Landed(zone, replay, [*errors, *report.errors], frames)


def _edit_json(edit: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def transform(raw: bytes) -> bytes:
        doc = json.loads(raw)
        edit(doc)
        return json.dumps(doc, ensure_ascii=False).encode()
    return transform


def _klines(edit: Callable[[list[str]], list[str]]) -> Callable[[bytes], bytes]:
    def change(doc: dict[str, Any]) -> None:
        doc["data"]["klines"] = edit(doc["data"]["klines"])
    return _edit_json(change)


def _rows(edit: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def change(doc: dict[str, Any]) -> None:
        for row in doc["result"]["data"]:
            edit(row)
    return _edit_json(change)


def _set(path: str, value: object) -> Callable[[bytes], bytes]:
    def change(doc: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node: Any = doc
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[leaf] = value(node[leaf]) if callable(value) else value
    return _edit_json(change)


def _bad_close(lines: list[str]) -> list[str]:
    fields = lines[3].split(",")
    fields[2] = "15O9.40"
    return [*lines[:3], ",".join(fields), *lines[4:]]


def _workbook(edit: Callable[[openpyxl.worksheet.worksheet.Worksheet], None]
              ) -> Callable[[bytes], bytes]:
    def transform(raw: bytes) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(raw))
        edit(book["NLR"])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    return transform


def _rename_header(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    for row in sheet.iter_rows(max_row=5):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("Date of Listing"):
                cell.value = "Listing Day"


def _gbk(raw: bytes) -> bytes:
    return raw.decode("utf-8").encode("gbk")


def _drop(column: str) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.pop(column)


def _rename(old: str, new: str) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.__setitem__(new, row.pop(old))


# (id, landing path, fault, fragments the one error message must contain)
MALFORMED: list[tuple[str, str, Fault, list[str]]] = [
    ("html_502_page", STAR50, status(502, GATEWAY_PAGE),
     ["eastmoney/index_kline/STAR50", "gave up after 3 attempts, last: HTTP 502",
      "/errors/eastmoney/kline/1.000688.json"]),
    ("html_instead_of_json", NDX, body(lambda raw: GATEWAY_PAGE),
     ["yahoo/index_chart_check [NDX]", "expected JSON but got an HTML/XML page"]),
    ("truncated_json", VALUATION, body(lambda raw: raw[: len(raw) // 2]),
     ["eastmoney/valuation [688256.SH]", "truncated JSON"]),
    ("data_null", CAMBRICON, body(_set("data", None)),
     ["eastmoney/stock_kline [688256.SH] field 'data'", "expected dict, got null"]),
    ("empty_klines_after_retries", CAMBRICON, body(_klines(lambda lines: [])),
     ["eastmoney/stock_kline [688256.SH] field 'data.klines'", "empty klines list"]),
    ("missing_field", VALUATION, body(_rows(_drop("PE_TTM"))),
     ["eastmoney/valuation [688256.SH] field 'PE_TTM'", "lacks the column"]),
    ("renamed_field", MARGIN, body(_rows(_rename("FIN_BALANCE", "FIN_BALANCE_AMT"))),
     ["eastmoney/margin_total [ALL] field 'FIN_BALANCE'", "lacks the column"]),
    ("renamed_json_key", NDX, body(_set("chart.result.0.meta", lambda meta: {
        ("tz" if k == "exchangeTimezoneName" else k): v for k, v in meta.items()})),
     ["yahoo/index_chart_check [NDX] field 'exchangeTimezoneName'", "missing field"]),
    ("string_in_kline", STAR50, body(_klines(_bad_close)),
     ["eastmoney/index_kline [STAR50] field 'close'", "non-numeric value '15O9.40'"]),
    ("string_in_chart", NDX, body(_set("chart.result.0.indicators.quote.0.close",
                                       lambda closes: [str(c) for c in closes])),
     ["yahoo/index_chart_check [NDX] field 'indicators.quote.0.close'", "non-numeric value"]),
    ("string_in_report", MARGIN, body(_rows(lambda row: row.update(FIN_BALANCE="25,123.4"))),
     ["eastmoney/margin_total [ALL] field 'financing_balance'", "'25,123.4'"]),
    ("out_of_order_dates", STAR50, body(_klines(lambda lines: lines[::-1])),
     ["eastmoney/index_kline [STAR50] field 'trade_date'", "dates are out of order"]),
    ("duplicate_dates", CAMBRICON, body(_klines(lambda lines: [*lines, lines[-1]])),
     ["eastmoney/stock_kline [688256.SH] field 'trade_date'", "duplicate date 2026-01-30"]),
    ("changed_decimal_scale", STAR50, body(_set("data.decimal", 2)),
     ["eastmoney/index_kline [STAR50] field 'data.decimal'", "declares 2 decimals",
      "the price scale changed"]),
    ("gbk_text", STAR50, body(_gbk),
     ["eastmoney/index_kline [STAR50]", "not UTF-8", "GBK"]),
    ("xlsx_renamed_header", NLR, body(_workbook(_rename_header)),
     ["hkex/ipo_hk [2026] field 'date of listing'", "header row lacks a column"]),
    ("connection_reset", VALUATION, reset(),
     ["eastmoney/valuation/688256.SH", "gave up after 3 attempts, last: ConnectionError"]),
]


@pytest.mark.parametrize(("path", "fault", "fragments"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_a_malformed_answer_is_one_clear_error(
    server: HTTPServer, tmp_path: Path, path: str, fault: Fault, fragments: list[str]
) -> None:
    run = _run(server, tmp_path, {path: fault})
    assert len(run.errors) == 1, run.errors
    message = run.errors[0]
    for fragment in fragments:
        assert fragment in message
    kept = re.search(r"\(body kept at (\S+)\)$", message)
    if path == VALUATION and "ConnectionError" in message:
        assert kept is None and not run.zone.body_path(BY_PATH[path]).exists()
    else:
        assert kept is not None
        assert Path(kept.group(1)).read_bytes() == run.replay.served[path]
    staged = pl.concat([frame.select("source_file") for frame in run.frames.values()])
    assert path not in staged["source_file"].to_list()
    assert staged["source_file"].n_unique() == len(SAMPLE) - 1


def test_throttled_answers_are_retried_before_they_count(server: HTTPServer,
                                                         tmp_path: Path) -> None:
    run = _run(server, tmp_path, {CAMBRICON: body(_klines(lambda lines: []))})
    assert len(run.replay.hits_for(CAMBRICON)) == 3
    meta = run.zone.meta(BY_PATH[CAMBRICON])
    assert meta["attempts"] == 3 and len(meta["retries"]) == 2


def test_extra_fields_and_a_shifted_header_are_fine(server: HTTPServer, tmp_path: Path) -> None:
    clean = _run(server, tmp_path / "clean")
    run = _run(server, tmp_path / "drifted", {
        STAR50: body(_set("data", lambda data: {**data, "newField": [1, 2]})),
        VALUATION: body(_rows(lambda row: row.update(NEW_COLUMN="x"))),
        NLR: body(_workbook(lambda sheet: sheet.insert_rows(1, amount=3))),
    })
    assert clean.errors == [] and run.errors == []
    for table, frame in clean.frames.items():
        assert run.frames[table].equals(frame), table


def test_every_landed_body_has_its_manifest(server: HTTPServer, tmp_path: Path) -> None:
    run = _run(server, tmp_path, {STAR50: status(502, GATEWAY_PAGE)})
    meta = run.zone.meta(BY_PATH[NDX])
    assert meta["origin"] == "recorded" and meta["http_status"] == 200
    assert meta["request"]["params"] == BY_PATH[NDX].params
    assert meta["request"]["url"].endswith("/v8/finance/chart/^NDX")
    assert {"sha256", "bytes", "fetched_at", "attempts", "headers"} <= set(meta)
    error_meta = json.loads((tmp_path / "errors" / f"{STAR50}.meta.json").read_text())
    assert error_meta["http_status"] == 502 and error_meta["attempts"] == 3
    index = json.loads((tmp_path / "manifest.json").read_text())
    assert len(index) == len(SAMPLE) - 1 and STAR50 not in {e["path"] for e in index}


def test_a_rerun_fetches_only_what_is_missing(server: HTTPServer, tmp_path: Path) -> None:
    first = _run(server, tmp_path, {STAR50: status(502, GATEWAY_PAGE)})
    assert len(first.errors) == 1
    second = _run(server, tmp_path)
    assert second.errors == []
    assert {hit.path for hit in second.replay.hits} == {STAR50}
    assert (tmp_path / "errors" / STAR50).is_file()


def test_a_paged_report_lands_every_page_and_reads_as_one(server: HTTPServer,
                                                          tmp_path: Path) -> None:
    full = build_catalog(date(2024, 12, 2), date(2026, 1, 30))
    split = next(spec for spec in full if spec.path == MARGIN_SPLIT)
    paged = replace(split, params={**split.params, "pageSize": "100"})
    run = _run(server, tmp_path, specs=[paged])
    assert run.errors == []
    landed = (tmp_path / "eastmoney/datacenter/RPTA_RZRQ_LSDB").glob("*.json")
    assert sorted(p.name for p in landed if not p.name.endswith(".meta.json")) == [
        "SSE_SZSE.json", *(f"SSE_SZSE.p{n}.json" for n in range(2, 7))]
    assert run.frames["crosscheck"].filter(dataset="margin").height == 570
    assert [h.args["pageNumber"] for h in run.replay.hits] == ["1", "2", "3", "4", "5", "6"]


def test_a_broken_page_fails_the_whole_report(server: HTTPServer, tmp_path: Path) -> None:
    full = build_catalog(date(2024, 12, 2), date(2026, 1, 30))
    split = next(spec for spec in full if spec.path == MARGIN_SPLIT)
    paged = replace(split, params={**split.params, "pageSize": "100"})
    replay = ProviderReplay(SNAPSHOT)
    replay.script(MARGIN_SPLIT, body(lambda raw: raw), body(lambda raw: raw),
                  body(_edit_json(lambda doc: doc["result"].update(data=None))))
    zone = LandingZone(tmp_path)
    assert land_all(fast_settings(install(server, replay)), zone, [paged]) == []
    frames, report = parse_landed(zone, [paged])
    assert frames["margin"].height == 0
    assert report.errors == [
        "eastmoney/margin_exchange/SSE_SZSE field 'result.data': page 3 of 6 is not a report "
        f"page with rows (body kept at {zone.body_path(paged)})"]
