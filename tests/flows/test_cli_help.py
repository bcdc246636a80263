"""The CLI's help says what the code does."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app


def test_as_of_help_names_the_latest_staged_index_bar() -> None:
    result = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    said = " ".join(result.output.replace("│", " ").split())
    assert ("default: the date of the latest index bar staged, at most the end of the window "
            "requested") in said
    assert "today for live" not in said
