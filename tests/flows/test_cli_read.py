"""The read-side commands refuse what they cannot do with exit 2 and one line; any expected
failure inside ``refusals`` ends with its own exit code.

Listing, rolling back and querying real published versions run end to end in
``test_rollback.py`` and ``test_query.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from errors import CntechError
from flows import cli_read
from flows.exit_codes import EXIT_EXTRACTION, EXIT_USAGE


def app() -> typer.Typer:
    """The read commands alone, registered as ``cntech`` registers them."""
    commands = typer.Typer()
    cli_read.register(commands)
    return commands


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app(), list(args))
    return result.exit_code, " ".join((result.stdout + result.stderr).split())


def test_versions_before_any_publish_is_a_usage_error(tmp_path: Path) -> None:
    code, said = invoke("versions", "--data-dir", str(tmp_path))
    assert (code, said) == (EXIT_USAGE, "no kept versions yet: run `cntech run` to publish one")


def test_rollback_with_nothing_kept_names_what_to_do(tmp_path: Path) -> None:
    code, said = invoke("rollback", "--data-dir", str(tmp_path))
    assert code == EXIT_USAGE
    assert "no version older than the live one is kept; name one with --to (kept: none)" in said
    code, said = invoke("rollback", "--to", "20260130T221500-1a2b3c", "--data-dir", str(tmp_path))
    assert code == EXIT_USAGE and "no kept version of run '20260130T221500-1a2b3c'" in said


def test_sql_before_any_publish_says_to_run_first(tmp_path: Path) -> None:
    code, said = invoke("sql", "FROM mart_valuation", "--data-dir", str(tmp_path))
    assert (code, said) == (
        EXIT_USAGE, f"no published marts at {tmp_path}/marts.duckdb: run `cntech run` first")
    assert not (tmp_path / "marts.duckdb").exists()


def test_an_unknown_format_is_refused_by_the_option() -> None:
    code, said = invoke("sql", "FROM mart_valuation", "--format", "xlsx")
    assert code == EXIT_USAGE and "xlsx" in said
    assert [f.value for f in cli_read.Format] == ["table", "markdown", "csv", "json"]


class Late(CntechError):
    """An expected failure with its own exit code."""

    exit_code = EXIT_EXTRACTION


def refused(verbose: bool) -> typer.Typer:
    """One command failing inside :func:`cli_read.refusals`, its cause chained."""
    commands = typer.Typer()

    @commands.command()
    def fail() -> None:
        with cli_read.refusals(verbose):
            try:
                raise OSError("disk gone")
            except OSError as exc:
                raise Late("the marts could not be read:\nsee the log") from exc

    @commands.command()
    def other() -> None:
        """A second command, so that ``fail`` keeps its name."""

    return commands


def test_any_expected_failure_exits_with_its_own_code_on_one_line() -> None:
    quiet = CliRunner().invoke(refused(verbose=False), ["fail"])
    loud = CliRunner().invoke(refused(verbose=True), ["fail"])

    assert quiet.exit_code == loud.exit_code == EXIT_EXTRACTION
    assert quiet.stderr.strip() == "the marts could not be read: see the log"
    assert loud.stderr.strip() == ("the marts could not be read: see the log "
                                   "(cause: OSError('disk gone'))")
    assert "Traceback" not in quiet.output + loud.output


def test_a_bad_status_date_is_refused_like_a_run_argument(tmp_path: Path) -> None:
    from flows.cli import app as cntech

    result = CliRunner().invoke(cntech, ["status", "--as-of", "2026-02-30",
                                         "--data-dir", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.strip() == "--as-of must be a date YYYY-MM-DD, got '2026-02-30'"


def test_a_bad_setting_is_refused_on_one_line_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CNTECH_KEEP_VERSIONS", "0")
    code, said = invoke("versions", "--data-dir", str(tmp_path))
    assert code == EXIT_USAGE
    assert said.startswith("invalid CNTECH_* setting:") and "keep_versions" in said
