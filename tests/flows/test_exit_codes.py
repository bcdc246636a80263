"""The exit codes: one per outcome, as the README documents them."""

from __future__ import annotations

from flows import exit_codes
from tests.conftest import REPO


def test_exit_codes_are_distinct_and_documented() -> None:
    codes = {name: value for name, value in vars(exit_codes).items() if name.startswith("EXIT_")}
    assert codes == {"EXIT_GATE": 1, "EXIT_USAGE": 2, "EXIT_EXTRACTION": 3, "EXIT_HELD_BACK": 4,
                     "EXIT_STARTUP": 5}
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert "Exit codes: 0 published, 1 quality gate failed, 2 usage or configuration error, 3 " \
           "extraction" in readme
    assert "4 published with marts held back" in readme
    assert "5 no Prefect API to report to" in readme
