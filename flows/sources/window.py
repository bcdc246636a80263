"""The request window of a landing zone, read from its index and the manifests it lists.

Kept apart from ``landing`` so the command line can check ``--as-of`` against a zone before
the pipeline's libraries load.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

INDEX_NAME = "manifest.json"
META_SUFFIX = ".meta.json"
# Every catalog asks the Eastmoney klines for the whole window (``beg``..``end``), so their
# manifests state it; an index stores no window of its own that could disagree with them.
KLINE_DIR = "eastmoney/kline/"


def request_window(root: Path) -> tuple[date, date] | None:
    """First and last day the zone's klines were requested for; None when it has none.

    Reads the bodies ``manifest.json`` lists, or every kline manifest when there is no index.
    Raises ``ValueError`` (or ``OSError``) when the index itself is unreadable.
    """
    index = root / INDEX_NAME
    if index.is_file():
        doc = json.loads(index.read_text(encoding="utf-8"))
        paths = [entry.get("path") for entry in doc if isinstance(entry, dict)] if isinstance(
            doc, list) else []
        metas = [root / f"{path}{META_SUFFIX}" for path in paths
                 if isinstance(path, str) and path.startswith(KLINE_DIR)]
    else:
        metas = sorted((root / KLINE_DIR).glob(f"*{META_SUFFIX}"))
    starts, ends = [], []
    for meta in metas:
        try:
            params = json.loads(meta.read_text(encoding="utf-8"))["request"]["params"]
            starts.append(datetime.strptime(params["beg"], "%Y%m%d").date())
            ends.append(datetime.strptime(params["end"], "%Y%m%d").date())
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return (min(starts), max(ends)) if starts else None
