"""Errors raised while obtaining raw payloads."""

from __future__ import annotations

from errors import EXIT_EXTRACTION, CntechError


class ExtractionError(CntechError, RuntimeError):
    """A payload could not be obtained or does not match its contract.

    ``kept`` is where the offending body was landed, if any, so nothing is lost; ``field`` names
    the part of the payload that broke its contract, when one did.
    """

    exit_code = EXIT_EXTRACTION

    def __init__(
        self, key: str, message: str, kept: str | None = None, *, field: str | None = None
    ) -> None:
        self.key = key
        self.detail = message
        self.kept = kept
        self.field = field
        where = f"{key} field '{field}'" if field else key
        suffix = f" (body kept at {kept})" if kept else ""
        super().__init__(f"{where}: {message}{suffix}")
