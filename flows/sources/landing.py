"""The raw landing zone: one immutable body per request plus its manifest.

The one writer of landing zones: live extraction, ``cntech snapshot record``, the snapshot
builder and the benchmark generator all land bodies through :class:`LandingZone`, and all
indexes have one schema, the bundled snapshot's (see :meth:`LandingZone.write_index`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from flows.sources import registry
from flows.sources.errors import ExtractionError
from flows.sources.request import RequestSpec, page_of
from flows.sources.window import INDEX_NAME, META_SUFFIX
from warehouse.files import write_atomically

ERRORS_DIR = "errors"
# Manifests name a body's endpoint "dataset", as every landing zone written so far (the bundled
# snapshot included) does; the key stays so each of them still reads and replays unchanged.
ENDPOINT_KEY = "dataset"


class LandingZone:
    """A directory laid out as ``<provider>/<endpoint path>``; the bundled snapshot is one.

    Final answers that are not HTTP 200 land under ``errors/`` with the same relative path, so
    the body is kept for an operator while the request's own path stays free for a refetch.
    """

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        # Builders that can rerun from their sources (snapshot, benchmark) skip the fsyncs;
        # every write is atomic either way, so no reader ever sees half a body.
        self.root = root
        self.durable = durable

    def body_path(self, spec: RequestSpec) -> Path:
        """Absolute path of the body for ``spec``, which must stay inside the zone.

        Paths are built from validated seed codes; refusing any other path here keeps a code
        that slipped through from landing (or reading) a body outside the landing directory.
        """
        return self._inside(spec.path, spec.key)

    def _inside(self, path: str, key: str) -> Path:
        if ".." in Path(path).parts or Path(path).is_absolute():
            raise ExtractionError(key, f"landing path {path!r} leaves {self.root}")
        return self.root / path

    def pages(self, spec: RequestSpec, meta: Mapping[str, Any] | None = None) -> list[RequestSpec]:
        """Every page landed for ``spec`` as its manifest (``meta``, read if not given)
        declares them, page 1 first."""
        count = int((self.meta(spec) if meta is None else meta).get("pages", 1))
        return [spec, *(page_of(spec, number) for number in range(2, count + 1))]

    def complete(self, spec: RequestSpec) -> bool:
        """Whether ``spec`` and every page it declared are landed."""
        return self.body_path(spec).is_file() and all(
            self.body_path(page).is_file() for page in self.pages(spec))

    def land(self, spec: RequestSpec, body: bytes, meta: Mapping[str, Any]) -> Path:
        """Write ``body`` and its manifest atomically; a landed body is never overwritten."""
        return self.put(spec.path, body, provider=spec.provider, endpoint=spec.endpoint,
                        subject=spec.subject, meta=meta)

    def put(self, path: str, body: bytes, *, provider: str, endpoint: str, subject: str,
            meta: Mapping[str, Any]) -> Path:
        """Land ``body`` at ``path`` (relative to the zone) for a writer without a request
        spec (the snapshot builder); the same checks and manifest as :meth:`land`."""
        target = self._inside(path, f"{provider}/{endpoint}/{subject}")
        if target.exists():
            raise ExtractionError(f"{provider}/{endpoint}/{subject}",
                                  f"refusing to overwrite landed body {target}")
        self._write(target, body, {"provider": provider, ENDPOINT_KEY: endpoint,
                                   "subject": subject, **meta})
        return target

    def land_error(self, spec: RequestSpec, body: bytes, meta: Mapping[str, Any]) -> Path:
        """Keep a body that is not an answer (an error page) under ``errors/``, never replacing
        an earlier one: a second failure of the same request gets a numbered sibling."""
        path = self.root / ERRORS_DIR / spec.path
        number = 1
        while path.exists():
            number += 1
            stem, _, suffix = spec.path.rpartition(".")
            path = self.root / ERRORS_DIR / f"{stem}.{number}.{suffix}"
        self._write(path, body, {"provider": spec.provider, ENDPOINT_KEY: spec.endpoint,
                                 "subject": spec.subject, **meta})
        return path

    def _write(self, path: Path, body: bytes, meta: Mapping[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body), **meta}
        write_atomically(path, body, durable=self.durable)
        write_atomically(path.with_name(path.name + META_SUFFIX), manifest_json(record),
                         durable=self.durable)

    def read(self, spec: RequestSpec) -> bytes:
        """The landed body for ``spec``: every page verified against its manifest's sha256,
        pages merged into one document (the parsers check the envelope)."""
        provider = registry.provider(spec.provider).client
        meta = self.meta(spec)
        bodies = [self._verified(spec, meta), *(self._verified(page, self.meta(page))
                                                for page in self.pages(spec, meta)[1:])]
        declared = provider.page_count(spec, bodies[0])
        if declared > len(bodies):
            raise ExtractionError(
                spec.key, f"page 1 declares {declared} pages but {len(bodies)} landed: the "
                "answer is incomplete", str(self.body_path(spec)), field="result.pages")
        if len(bodies) == 1:
            return bodies[0]
        try:
            return provider.merge_pages(spec, bodies)
        except ExtractionError as exc:
            raise ExtractionError(spec.key, exc.detail, str(self.body_path(spec)),
                                  field=exc.field) from None

    def _verified(self, spec: RequestSpec, meta: Mapping[str, Any]) -> bytes:
        path = self.body_path(spec)
        try:
            body = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ExtractionError(spec.key, f"no landed body at {path}") from None
        if not meta:
            raise ExtractionError(
                spec.key, f"{path} has no manifest ({path.name}{META_SUFFIX}): its origin and "
                "checksum are lost; set CNTECH_ADOPT_UNMANIFESTED=true to adopt such bodies",
                str(path))
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
        try:
            text = path.with_name(path.name + META_SUFFIX).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return {}
        loaded: dict[str, Any] = orjson.loads(text)
        return loaded

    def adopt(self, specs: Iterable[RequestSpec]) -> list[str]:
        """Write a manifest (origin ``adopted``) beside every landed body that lacks one.

        Only on an operator's word (``adopt_unmanifested``): the body's provenance is unknown,
        and the manifest says so. Returns the adopted paths.
        """
        adopted = []
        for spec in specs:
            for page in self.pages(spec):
                path = self.body_path(page)
                if path.is_file() and not self.meta(page):
                    body = path.read_bytes()
                    write_atomically(path.with_name(path.name + META_SUFFIX), manifest_json({
                        "provider": spec.provider, ENDPOINT_KEY: spec.endpoint,
                        "subject": spec.subject, "sha256": hashlib.sha256(body).hexdigest(),
                        "bytes": len(body), "origin": "adopted",
                        "origin_detail": "landed without a manifest; adopted by the operator",
                    }))
                    adopted.append(page.path)
        return adopted

    def write_index(self) -> Path:
        """``manifest.json``: every landed body (not ``errors/``) with its origin, sorted by
        path, so the zone documents itself without its manifests.

        The one index schema of every landing zone, the bundled snapshot's: a list of
        ``{path, provider, dataset, subject, origin, origin_detail[, origin_ranges]}``. A
        zone's request window is not stored here: readers take it from the bodies' manifests
        (``request.params``), so it can never disagree with what was asked.
        """
        entries = []
        for meta_path in self.root.rglob(f"*{META_SUFFIX}"):
            path = meta_path.relative_to(self.root).as_posix()[:-len(META_SUFFIX)]
            if path.startswith(f"{ERRORS_DIR}/"):
                continue
            meta = orjson.loads(meta_path.read_bytes())
            entry = {"path": path, "provider": meta.get("provider"),
                     ENDPOINT_KEY: meta.get(ENDPOINT_KEY), "subject": meta.get("subject"),
                     "origin": meta.get("origin", "unknown"),
                     "origin_detail": meta.get("origin_detail", "")}
            if meta.get("origin_ranges"):
                entry["origin_ranges"] = meta["origin_ranges"]
            entries.append(entry)
        index = self.root / INDEX_NAME
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomically(index, manifest_json(sorted(entries, key=lambda entry: entry["path"])),
                         durable=self.durable)
        return index


def manifest_json(doc: Any) -> bytes:
    """Manifest formatting: sorted keys, two-space indent, raw UTF-8, a final newline."""
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

