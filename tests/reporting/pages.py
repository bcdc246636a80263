"""Reading a rendered report back: table rows by key, headline cards, a published copy."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from flows.nightly import RunResult


class Tables(HTMLParser):
    """Cell texts of every table row that carries a data-* key (index, symbol, figure)."""

    KEYS = ("data-index", "data-symbol", "data-figure")

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.classes: dict[str, str] = {}
        self._key: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self._key = next((found[k] for k in self.KEYS if found.get(k)), None)
            if self._key:
                self.rows[self._key] = []
                self.classes[self._key] = found.get("class") or ""
        elif tag == "td" and self._key:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._key and self._cell is not None:
            self.rows[self._key].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._key = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    """Rows of every keyed table of a page."""
    parser = Tables()
    parser.feed(html)
    return parser.rows


def cards(html: str) -> dict[str, dict[str, str]]:
    """Each headline card's link and the text of its label, value, note and as-of line."""
    found = {}
    for key, href, body in re.findall(
            r'<a class="card headline-card" href="([^"]+)" data-card="([^"]+)">(.*?)</a>',
            html, flags=re.S):
        parts = {part: " ".join(re.sub(r"<[^>]+>", " ", text).split())
                 for part, text in re.findall(r'<div class="(label|value[^"]*|note|asof)">'
                                              r"(.*?)</div>", body, flags=re.S)}
        found[href] = {"href": key, **{k.split()[0]: v for k, v in parts.items()}}
    return found


def section(html: str, section_id: str) -> str:
    """The HTML of one <section> by its id."""
    start = html.index(f'<section id="{section_id}"')
    return html[start:html.index("</section>", start)]


def copy_published(published: RunResult, target: Path) -> Path:
    """A data dir of its own holding the session's published marts and gate results."""
    assert published.published is not None
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(published.published, target / "marts.duckdb")
    shutil.copytree(published.published.parent / "gate", target / "gate")
    return target
