"""SSE ``queryMargin.do`` summary parser: real-shaped body, JSONP, and every kind of drift."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from tests.conftest import REPO
from transforms import sse_margin
from transforms.errors import NotPublished, PayloadError

BODY = (REPO / "tests/data/exchanges/queryMargin_2026-01-26_30.json").read_bytes()


def _edit(change: Callable[[dict[str, Any]], None]) -> bytes:
    doc = json.loads(BODY)
    change(doc)
    return json.dumps(doc).encode()


def test_rows_are_sorted_ascending_in_yuan() -> None:
    frame = sse_margin.margin(BODY, "SSE")
    assert frame["trade_date"].to_list() == [date(2026, 1, 28), date(2026, 1, 29),
                                             date(2026, 1, 30)]
    assert frame.row(2, named=True) == {
        "exchange": "SSE", "trade_date": date(2026, 1, 30),
        "financing_balance": 1386477445631.0, "lending_balance": 8532987126.0,
        "financing_buy": 137165276106.0}


def test_jsonp_wrapper_and_numeric_strings_are_accepted() -> None:
    doc = json.loads(BODY)
    for row in doc["result"]:
        row["rzye"] = str(row["rzye"])
    wrapped = b"jsonpCallback12345(" + json.dumps(doc).encode() + b");"
    assert sse_margin.margin(wrapped, "SSE")["financing_balance"][2] == 1386477445631.0


def _drop_rzye(doc: dict[str, Any]) -> None:
    del doc["result"][0]["rzye"]


def _rename_opdate(doc: dict[str, Any]) -> None:
    doc["result"][1]["tradeDate"] = doc["result"][1].pop("opDate")


def _text_balance(doc: dict[str, Any]) -> None:
    doc["result"][0]["rzye"] = "暂无"


def _in_yi(doc: dict[str, Any]) -> None:
    for row in doc["result"]:
        row["rzye"] = round(row["rzye"] / 1e8, 2)


def _paged(doc: dict[str, Any]) -> None:
    doc["pageHelp"]["total"] = 250


def _repeated_day(doc: dict[str, Any]) -> None:
    doc["result"][1]["opDate"] = doc["result"][0]["opDate"]


def _no_rows(doc: dict[str, Any]) -> None:
    doc["result"] = []


@pytest.mark.parametrize(("body", "field", "wording"), [
    (b"<!DOCTYPE html><html><body>403 Forbidden</body></html>", None, "HTML/XML page"),
    (BODY[: len(BODY) // 2], None, "truncated JSON"),
    ("{\"result\": [\"融资\"]}".encode("gbk"), None, "GBK-encoded text is not accepted"),
    (_edit(_drop_rzye), "rzye", "row 0 lacks the field"),
    (_edit(_rename_opdate), "opDate", "row 1 lacks the field"),
    (_edit(_text_balance), "financing_balance", "non-numeric value '暂无'"),
    (_edit(_in_yi), "rzye", "the unit changed"),
    (_edit(_paged), "pageHelp.total", "3 rows of 250"),
    (_edit(_repeated_day), "trade_date", "duplicate date 2026-01-30"),
    (_edit(_no_rows), "result", "no rows for the requested window"),
])
def test_drift_is_a_payload_error_naming_provider_dataset_and_field(
    body: bytes, field: str | None, wording: str
) -> None:
    with pytest.raises(PayloadError) as caught:
        sse_margin.margin(body, "SSE")
    assert (caught.value.provider, caught.value.endpoint) == ("sse", "margin_sse")
    assert caught.value.field == field
    assert wording in str(caught.value)
    assert str(caught.value).startswith("sse/margin_sse [SSE]")


def test_a_day_without_a_financing_balance_is_refused() -> None:
    def dash(doc: dict[str, Any]) -> None:
        doc["result"][0]["rzye"] = "-"

    with pytest.raises(PayloadError, match="no financing balance on 2026-01-30") as caught:
        sse_margin.margin(_edit(dash), "SSE")
    assert caught.value.field == "rzye"


def test_an_empty_answer_that_says_so_means_not_yet_published() -> None:
    def nothing_yet(doc: dict[str, Any]) -> None:
        doc["result"] = []
        doc["pageHelp"].update(data=[], total=0)

    with pytest.raises(NotPublished) as caught:
        sse_margin.margin(_edit(nothing_yet), "SSE")
    assert not isinstance(caught.value, PayloadError)
    assert caught.value.note == ("sse/margin_sse [SSE]: the requested window is not yet "
                                 "published (the answer has no rows and pageHelp.total 0)")


def test_an_empty_answer_without_a_zero_total_is_still_a_breach() -> None:
    def unexplained(doc: dict[str, Any]) -> None:
        doc["result"] = []
        del doc["pageHelp"]

    with pytest.raises(PayloadError, match="no rows for the requested window"):
        sse_margin.margin(_edit(unexplained), "SSE")
