"""A check query's Arrow result judged: screened rules on the rows that could break them, the
rest on the whole result, each as the pandas frame Great Expectations validates."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from expectations.checks import Check, Rule
from expectations.frames import arrow_frame, check_table, keyed_table
from expectations.runner import Outcome, held, judge_frame, rule_columns, sample_columns
from expectations.samples import with_files
from expectations.screens import Screen, any_row, reads_row_count_only, screen

if TYPE_CHECKING:
    from great_expectations.core.batch_definition import BatchDefinition


def run_check(
    con: duckdb.DuckDBPyConnection, check: Check, batch_definition: BatchDefinition
) -> list[Outcome]:
    """Run one check query and judge every rule of its suite against the result, a sample
    row's file looked up as the gate does (``samples.with_files``)."""
    return with_files(con, judge_table(check, check_table(con, check), batch_definition))


def judge_table(check: Check, table: pa.Table,
                batch_definition: BatchDefinition) -> list[Outcome]:
    """Every rule of ``check``'s suite judged against its query's result, ``table``.

    Screened rules (``screens``) are judged on the rows that could break any of them and report
    their domain's size in the whole result; one whose screen marks no row holds without a
    validation. A rule no screen reads is judged on the whole result, narrowed to the columns
    it and its samples read. Outcomes follow the suite's order.
    """
    table = keyed_table(table, check)
    screens = {rule.rule: found for rule in check.rules
               if (found := screen(rule, table)) is not None}
    # A screened rule that marks no row holds: Great Expectations would find none unexpected.
    outcomes = {rule.rule: held(check, rule, screens[rule.rule].domain_rows)
                for rule in check.rules
                if rule.rule in screens and not screens[rule.rule].marks_any()}
    screened = tuple(rule for rule in check.rules
                     if rule.rule in screens and rule.rule not in outcomes)
    whole = tuple(rule for rule in check.rules if rule.rule not in screens)
    if screened:
        could_break = any_row([screens[rule.rule].could_break for rule in screened], len(table))
        frame = arrow_frame(table.filter(pa.array(could_break)), check)
        for outcome in judge_frame(replace(check, rules=screened), frame, batch_definition,
                                   count_domains=False):
            outcomes[outcome.rule] = _counted(outcome, screens[outcome.rule])
    if whole:
        columns = _whole_columns(check, whole, table.schema)
        frame = arrow_frame(table.select(columns), check)
        for outcome in judge_frame(replace(check, rules=whole), frame, batch_definition):
            outcomes[outcome.rule] = outcome
    return [outcomes[rule.rule] for rule in check.rules]


def _counted(outcome: Outcome, found: Screen) -> Outcome:
    """The outcome with the rows its rule's domain holds in the whole result."""
    if outcome.element_count is None:
        return outcome
    return replace(outcome, element_count=found.domain_rows)


def _whole_columns(check: Check, rules: tuple[Rule, ...], schema: pa.Schema) -> list[str]:
    """The columns rules judged on the whole result read, with what their samples show.

    A rule of the row count alone reads no column; it is given one that converts without a
    copy per value (not text), if there is one.
    """
    wanted: list[str] = []
    for rule in rules:
        if not reads_row_count_only(rule):
            wanted.extend([*rule_columns(rule, schema.names), *sample_columns(check, rule)])
    present = [name for name in dict.fromkeys(wanted) if name in schema.names]
    if present:
        return present
    fixed = [field.name for field in schema
             if pa.types.is_primitive(field.type) or pa.types.is_temporal(field.type)]
    return (fixed or schema.names)[:1]
