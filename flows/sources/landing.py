"""The raw landing zone: one immutable body per request plus its manifest."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flows.catalog import RequestSpec
from flows.sources.errors import ExtractionError

META_SUFFIX = ".meta.json"


class LandingZone:
    """A directory laid out as ``<provider>/<dataset path>``; the bundled snapshot is one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def body_path(self, spec: RequestSpec) -> Path:
        """Absolute path of the body for ``spec``."""
        return self.root / spec.path

    def land(self, spec: RequestSpec, body: bytes, meta: Mapping[str, Any]) -> Path:
        """Write ``body`` and its manifest atomically; a landed body is never overwritten."""
        path = self.body_path(spec)
        if path.exists():
            raise ExtractionError(spec.key, f"refusing to overwrite landed body {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "provider": spec.provider,
            "dataset": spec.dataset,
            "subject": spec.subject,
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            **meta,
        }
        _atomic_write(path, body)
        _atomic_write(path.with_name(path.name + META_SUFFIX),
                      json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False).encode())
        return path

    def read(self, spec: RequestSpec) -> bytes:
        """The landed body for ``spec``, verified against its manifest's sha256."""
        path = self.body_path(spec)
        if not path.is_file():
            raise ExtractionError(spec.key, f"no landed body at {path}")
        body = path.read_bytes()
        meta = self.meta(spec)
        expected = meta.get("sha256")
        if expected and hashlib.sha256(body).hexdigest() != expected:
            raise ExtractionError(
                spec.key, f"{path} does not match the sha256 in its manifest: the landing zone "
                "is immutable, so the body was altered after it was landed",
            )
        return body

    def meta(self, spec: RequestSpec) -> dict[str, Any]:
        """The manifest beside a body, or an empty dict when there is none."""
        path = self.body_path(spec)
        meta_path = path.with_name(path.name + META_SUFFIX)
        if not meta_path.is_file():
            return {}
        loaded: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        return loaded


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
