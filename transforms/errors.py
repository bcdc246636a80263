"""The one error a transform raises when a payload breaks its contract."""

from __future__ import annotations

from errors import EXIT_EXTRACTION, CntechError


class PayloadError(CntechError, ValueError):
    """A payload does not match the provider contract its parser expects.

    Carries enough context (provider, endpoint, field, request) for an operator to find the raw
    body in the landing zone and see what changed upstream.
    """

    exit_code = EXIT_EXTRACTION

    def __init__(
        self,
        provider: str,
        endpoint: str,
        message: str,
        *,
        field: str | None = None,
        subject: str | None = None,
    ) -> None:
        self.provider = provider
        self.endpoint = endpoint
        self.field = field
        self.subject = subject
        self.detail = message
        where = f"{provider}/{endpoint}"
        if subject:
            where += f" [{subject}]"
        if field:
            where += f" field '{field}'"
        super().__init__(f"{where}: {message}")


class NotPublished(Exception):
    """A well-formed answer saying the provider has not yet published what was asked for.

    Exchanges publish a day's margin figures the next morning; asked earlier, SZSE answers with
    the previous session's report and SSE with no rows. That is a late day, not a broken
    contract: the body yields no rows, and ``note`` says what is missing for the run to report.
    """

    def __init__(self, provider: str, endpoint: str, subject: str, what: str, answer: str) -> None:
        self.provider = provider
        self.endpoint = endpoint
        self.subject = subject
        self.what = what
        self.note = f"{provider}/{endpoint} [{subject}]: {what} is not yet published ({answer})"
        super().__init__(self.note)
