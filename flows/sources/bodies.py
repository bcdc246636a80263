"""What every JSON provider body shares: compact JSON as the APIs send it."""

from __future__ import annotations

import json


def api_json(document: object) -> bytes:
    """Compact JSON exactly as the APIs send it: no spaces, raw UTF-8, no trailing newline."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
