"""HKEX New Listing Report workbooks: static files, so HTML is an error, not a throttle."""

from __future__ import annotations

from collections.abc import Mapping

from flows.sources.provider import Client
from flows.sources.request import RequestSpec

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Hkex(Client):
    """One workbook per year."""

    def headers(self, spec: RequestSpec) -> Mapping[str, str]:
        """Ask for the workbook itself."""
        return {"Accept": XLSX}
