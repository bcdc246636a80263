"""Errors raised while obtaining raw payloads."""

from __future__ import annotations


class ExtractionError(RuntimeError):
    """A payload could not be obtained or does not match its contract.

    ``kept`` is where the offending body was landed, if any, so nothing is lost.
    """

    def __init__(self, key: str, message: str, kept: str | None = None) -> None:
        self.key = key
        self.detail = message
        self.kept = kept
        suffix = f" (body kept at {kept})" if kept else ""
        super().__init__(f"{key}: {message}{suffix}")
