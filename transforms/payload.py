"""Helpers that turn a raw body into checked Python structures, or a precise PayloadError."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import polars as pl

from transforms.errors import NotPublished, PayloadError

# What JSON decodes a number or a null to. A bool is neither, though polars would read it as 1.0.
NUMBER_TYPES = frozenset({int, float, type(None)})


def only_numbers(values: list[Any]) -> bool:
    """Whether every value is a JSON number or null; the set of their types is built in C, where
    a check of each value in Python was most of a large body's parse."""
    return set(map(type, values)) <= NUMBER_TYPES


@dataclass
class ParsedBatch:
    """Rows of every body of a batch that met its contract, keyed by ``item`` (the body's
    position in the batch), and the error of every body that did not (or its
    :class:`NotPublished` outcome, for a day the provider has not yet published)."""

    frame: pl.DataFrame
    errors: dict[int, PayloadError | NotPublished] = field(default_factory=dict)


def first_offences(
    frame: pl.DataFrame, broken: pl.Expr, skip: Collection[int] = ()
) -> list[dict[str, Any]]:
    """The first row breaking a rule in every ``item`` not in ``skip``, with that item's count
    of breaking rows as ``offences``."""
    offending = frame.filter(broken & ~pl.col("item").is_in(list(skip)))
    if not offending.height:
        return []
    return (offending.group_by("item", maintain_order=True)
            .agg(pl.all().first(), pl.len().alias("offences"))
            .to_dicts())


def strict_batch(
    frame: pl.DataFrame,
    dates: Sequence[str],
    numbers: Sequence[str],
    missing: tuple[str, ...] = ("-", ""),
) -> tuple[pl.DataFrame, dict[int, tuple[str, str]]]:
    """:func:`strict_date` then :func:`strict_float` over the string columns of many bodies.

    ``frame`` has an ``item`` column naming each row's body. Returns the typed frame and, for
    every item breaking a rule, the field and message of its first offence, worded as the
    single-body functions word it. A number column that arrives numeric (every value a JSON
    number) has nothing to parse and is only cast.
    """
    numeric = [name for name in numbers if frame.schema[name].is_numeric()]
    raw = {name: pl.col(name).cast(pl.String).str.strip_chars() for name in numbers
           if name not in numeric}
    given = {name: value.is_not_null() & ~value.is_in(list(missing)) for name, value in raw.items()}
    typed = frame.with_columns(
        *(pl.col(name).cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
          .alias(f"{name}__typed") for name in dates),
        *(pl.when(given[name]).then(value).cast(pl.Float64, strict=False).alias(f"{name}__typed")
          for name, value in raw.items()),
        *(pl.col(name).cast(pl.Float64).alias(f"{name}__typed") for name in numeric),
    )
    offences: dict[int, tuple[str, str]] = {}
    for name in dates:
        for row in first_offences(typed, pl.col(f"{name}__typed").is_null(), offences):
            offences[row["item"]] = (name, f"unparseable date {row[name]!r}")
    for name in raw:
        broken = given[name] & pl.col(f"{name}__typed").is_null()
        for row in first_offences(typed, broken, offences):
            offences[row["item"]] = (
                name, f"non-numeric value {row[name]!r} ({row['offences']} row(s))")
    checked = {*dates, *numbers}
    return typed.select(
        pl.col(f"{name}__typed").alias(name) if name in checked else pl.col(name)
        for name in frame.columns
    ), offences


def decode_json(body: bytes, provider: str, endpoint: str, subject: str | None = None) -> Any:
    """Decode a JSON body, naming the failure (HTML page, GBK text, truncation) when it is not.

    orjson decodes every well-formed body; only a body it refuses (or one with a byte-order mark
    or NaN, which it does not accept) goes through the slower path that explains what is wrong.
    """
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    head = body[:200].lstrip().lower()
    if not head:
        raise PayloadError(provider, endpoint, "empty response body", subject=subject)
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise PayloadError(
            provider, endpoint, "expected JSON but got an HTML/XML page", subject=subject
        )
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PayloadError(
            provider,
            endpoint,
            f"body is not UTF-8 (byte {exc.start}); GBK-encoded text is not accepted",
            subject=subject,
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        stripped = text.rstrip()
        truncated = (exc.pos >= len(stripped) - 1 or exc.msg.startswith("Unterminated")
                     or not stripped.endswith(("}", "]")))
        kind = "truncated" if truncated else "invalid"
        raise PayloadError(
            provider, endpoint, f"{kind} JSON at char {exc.pos}: {exc.msg}", subject=subject
        ) from exc


def require(
    obj: Any,
    path: str,
    kind: type | tuple[type, ...],
    provider: str,
    endpoint: str,
    subject: str | None = None,
) -> Any:
    """Walk a dotted path (``data.klines``, ``result.0.meta``) and check the leaf's type."""
    node = obj
    walked: list[str] = []
    for part in path.split("."):
        walked.append(part)
        if isinstance(node, list) and part.isdigit():
            index = int(part)
            if index >= len(node):
                raise PayloadError(
                    provider, endpoint, "list is empty or too short", field=".".join(walked),
                    subject=subject,
                )
            node = node[index]
        elif isinstance(node, dict):
            if part not in node:
                raise PayloadError(
                    provider, endpoint, "missing field", field=".".join(walked), subject=subject
                )
            node = node[part]
        else:
            raise PayloadError(
                provider, endpoint, f"expected an object, got {type(node).__name__}",
                field=".".join(walked[:-1]) or "<root>", subject=subject,
            )
    if node is None or not isinstance(node, kind):
        got = "null" if node is None else type(node).__name__
        raise PayloadError(
            provider, endpoint, f"expected {_kind_name(kind)}, got {got}", field=path,
            subject=subject,
        )
    return node


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def strict_float(
    frame: pl.DataFrame,
    columns: list[str],
    provider: str,
    endpoint: str,
    subject: str | None = None,
    missing: tuple[str, ...] = ("-", ""),
) -> pl.DataFrame:
    """Cast string columns to Float64; ``missing`` markers become null, anything else must parse."""
    return _strict_body(frame, [], columns, provider, endpoint, subject, missing)


def strict_date(
    frame: pl.DataFrame,
    column: str,
    provider: str,
    endpoint: str,
    subject: str | None = None,
) -> pl.DataFrame:
    """Parse ``YYYY-MM-DD`` (optionally followed by a time) into a Date, failing loudly."""
    return _strict_body(frame, [column], [], provider, endpoint, subject)


def _strict_body(
    frame: pl.DataFrame, dates: Sequence[str], numbers: Sequence[str], provider: str,
    endpoint: str, subject: str | None, missing: tuple[str, ...] = ("-", ""),
) -> pl.DataFrame:
    """:func:`strict_batch` over one body's frame, raising its first offence."""
    typed, offences = strict_batch(frame.with_columns(pl.lit(0, pl.UInt32).alias("item")),
                                   dates, numbers, missing)
    if offences:
        name, message = offences[0]
        raise PayloadError(provider, endpoint, message, field=name, subject=subject)
    return typed.drop("item")


def check_dates_ordered(
    frame: pl.DataFrame,
    column: str,
    provider: str,
    endpoint: str,
    subject: str | None = None,
) -> None:
    """Providers return one row per date in ascending order; anything else means a broken feed."""
    dates = frame[column]
    dup = frame.filter(dates.is_duplicated())
    if dup.height:
        raise PayloadError(
            provider, endpoint, f"duplicate date {dup[column][0]}", field=column, subject=subject
        )
    if not dates.is_sorted():
        raise PayloadError(
            provider, endpoint, "dates are out of order", field=column, subject=subject
        )
