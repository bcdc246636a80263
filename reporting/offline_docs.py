"""Make the gate's Data Docs site readable with no network.

GX's pages load Bootstrap, jQuery, Font Awesome and Vega from CDNs: offline their status icons
are blank and the index page's table (filled by scripts) stays empty. Every page here keeps GX's
content (each expectation, its observed value and sampled failing rows) with the remote assets
and scripts removed, the status icons written as text and a small inline stylesheet; the index
is rewritten as a static page with the verdict, one row per suite and every rule that failed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from reporting.marts import gate_counts

TEMPLATES = Path(__file__).resolve().parent / "templates"
REMOTE_ASSET = re.compile(
    r"<script\b[^>]*\bsrc=\"https?:[^\"]*\"[^>]*>\s*</script>\s*"
    r"|<(?:img|iframe)\b[^>]*\bsrc=\"https?:[^\"]*\"[^>]*>\s*"
    r"|<link\b[^>]*\bhref=\"https?:[^\"]*\"[^>]*>\s*", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.IGNORECASE | re.DOTALL)
LOCAL_LINK = re.compile(r"(<link\b[^>]*\bhref=\")(?!https?:|data:|#)([^\"]+)(\"[^>]*>\s*)",
                        re.IGNORECASE)
ICONS = (
    (re.compile(r"<i class=\"fas fa-check-circle text-success\"[^>]*>\s*</i>"),
     '<span class="gate-status gate-passed">✔ passed</span>'),
    (re.compile(r"<i class=\"fas fa-times text-danger\"[^>]*>\s*</i>"),
     '<span class="gate-status gate-failed">✘ failed</span>'),
    (re.compile(r"<i class=\"fa[srb]?\b[^\"]*\"[^>]*>\s*</i>"), ""),
)
SAMPLE_ROWS = 10


def make_offline(site_dir: Path, doc: dict[str, Any], pages: dict[str, Path]) -> None:
    """Rewrite every page of ``site_dir`` to need no network, and its index as a static page."""
    css = (TEMPLATES / "gate_docs.css").read_text(encoding="utf-8")
    for page in site_dir.rglob("*.html"):
        html = offline_page(page.read_text(encoding="utf-8"), css)
        page.write_text(_local_links(html, page, site_dir), encoding="utf-8")
    (site_dir / "index.html").write_text(index_page(site_dir, doc, pages, css),
                                         encoding="utf-8")


def offline_page(html: str, css: str) -> str:
    """One GX page without remote assets or scripts, statuses as text, styles inlined."""
    html = SCRIPT.sub("", REMOTE_ASSET.sub("", html))
    for pattern, replacement in ICONS:
        html = pattern.sub(replacement, html)
    return html.replace("</head>", f"<style>{css}</style>\n</head>", 1)


def _local_links(html: str, page: Path, site_dir: Path) -> str:
    """``page``'s links to the site's own files, each pointing at a file the site holds.

    GX writes a validation page's favicon one directory short (``validations/static/...``); a
    browser asked for it late and logged the miss, sometimes while the page was being read. A
    ``static/`` file is found from the site's root, and a link to nothing is dropped.
    """
    def resolved(match: re.Match[str]) -> str:
        href = match.group(2)
        if (page.parent / href).exists():
            return match.group(0)
        if "static/" in href:
            target = site_dir / href[href.index("static/"):]
            if target.exists():
                relative = Path(os.path.relpath(target, page.parent)).as_posix()
                return match.group(1) + relative + match.group(3)
        return ""

    return LOCAL_LINK.sub(resolved, html)


def index_page(site_dir: Path, doc: dict[str, Any], pages: dict[str, Path], css: str) -> str:
    """The site's entry page: verdict, one row per suite linking its page, every broken rule."""
    suites: dict[str, list[dict[str, Any]]] = {}
    for result in doc.get("results", []):
        suites.setdefault(result["suite"], []).append(result)
    rows = [{
        "suite": suite, "table": results[0].get("table", ""),
        "page": os.path.relpath(pages[suite], site_dir) if suite in pages else None,
        **gate_counts({"results": results}),
    } for suite, results in suites.items()]
    broken = [_broken(r) for r in doc.get("results", []) if not r.get("success")]
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("gate_index.html.j2").render(
        doc=doc, counts=gate_counts(doc), suites=rows, broken=broken, css=css)


def _broken(result: dict[str, Any]) -> dict[str, Any]:
    """A failed rule with its sample as rows of dicts (a sample of values becomes one column)."""
    sample = [row if isinstance(row, dict) else {"value": row}
              for row in (result.get("sample") or [])[:SAMPLE_ROWS]]
    columns = list(dict.fromkeys(key for row in sample for key in row))
    return {**result, "sample": sample, "columns": columns,
            "element_count": result.get("element_count")}
