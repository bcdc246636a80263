"""Repo-wide audits: SQL only from bound parameters or vetted identifiers, TLS always verified,
secrets only from the environment through the settings object."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from flows.settings import Settings
from tests.conftest import REPO

PACKAGES = ("flows", "transforms", "warehouse", "expectations", "registry", "scripts",
            "benchmarks")
SQL_METHODS = {"execute", "executemany", "sql", "query", "table", "aggregate", "filter"}
SQL_START = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|COPY|ATTACH|DETACH|"
                       r"COMMENT|WITH|PRAGMA|SET|CALL|EXPORT|IMPORT|INSTALL|LOAD)\b", re.I)
# Functions that only ever return an allow-listed table name or a safely quoted token.
VETTING_CALLS = {"_table", "quote_identifier", "identifier_list", "equal_columns", "quote_literal",
                 "qualified_name"}
TLS_OFF = re.compile(r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|"
                     r"_create_unverified_context|disable_warnings|PYTHONHTTPSVERIFY")
SECRET_NAME = re.compile(r"token|secret|password|passwd|api_?key|cookie|credential", re.I)


def sources() -> Iterator[Path]:
    """Every Python file of the shipped packages and scripts."""
    for package in PACKAGES:
        yield from sorted((REPO / package).rglob("*.py"))


def constant(node: ast.expr) -> bool:
    """A module constant (ALL_CAPS) or a literal collection of strings."""
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in {"items", "keys", "values"} and constant(node.func.value)
    return False


def names(target: ast.expr) -> set[str]:
    """Every name bound by an assignment or loop target."""
    return {node.id for node in ast.walk(target) if isinstance(node, ast.Name)}


def vetted_names(function: ast.AST) -> set[str]:
    """Names that can only hold allow-listed values inside ``function``.

    Loop variables over a constant allow-list, and names the function refuses unless they are in
    one (``if table not in STAGING_TABLES: raise``).
    """
    vetted: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.For | ast.comprehension) and constant(node.iter):
            vetted |= names(node.target)
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and isinstance(node.test.ops[0], ast.NotIn) and constant(node.test.comparators[0])
                and isinstance(node.test.left, ast.Name)
                and any(isinstance(stmt, ast.Raise) for stmt in node.body)):
            vetted.add(node.test.left.id)
    return vetted


def interpolated_sql(tree: ast.Module) -> Iterator[tuple[ast.JoinedStr, set[str]]]:
    """f-strings that are SQL (passed to a query method, or starting with a SQL keyword), each
    with the vetted names of its innermost function."""
    found: dict[int, tuple[ast.JoinedStr, set[str]]] = {}
    # ast.walk goes outside in, so an inner function's view replaces its outer one's.
    for function in [tree, *(n for n in ast.walk(tree)
                             if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]:
        vetted = vetted_names(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr in SQL_METHODS):
                for arg in node.args[:1]:
                    if isinstance(arg, ast.JoinedStr):
                        found[id(arg)] = (arg, vetted)
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(
                    node.values[0], ast.Constant) and SQL_START.match(str(node.values[0].value)):
                found[id(node)] = (node, vetted)
    yield from found.values()


def unvetted(value: ast.expr, vetted: set[str]) -> bool:
    """An interpolated expression that is neither vetted, a constant nor a vetting call."""
    if isinstance(value, ast.Name):
        return not (value.id in vetted or value.id.isupper())
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return value.func.id not in VETTING_CALLS
    return not constant(value)


def test_sql_interpolates_only_vetted_identifiers() -> None:
    findings = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fstring, vetted in interpolated_sql(tree):
            for part in fstring.values:
                if isinstance(part, ast.FormattedValue) and unvetted(part.value, vetted):
                    findings.append(f"{path.relative_to(REPO)}:{fstring.lineno}: "
                                    f"{{{ast.unparse(part.value)}}}")
        for node in ast.walk(tree):
            formatted = (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)
                         and isinstance(node.left, ast.Constant)) or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "format" and isinstance(node.func.value, ast.Constant))
            literal = node.left if isinstance(node, ast.BinOp) else getattr(
                getattr(node, "func", None), "value", None)
            if formatted and isinstance(literal, ast.Constant) and SQL_START.match(
                    str(literal.value)):
                line = getattr(node, "lineno", "?")
                findings.append(f"{path.relative_to(REPO)}:{line}: %/format SQL")
    assert findings == [], "SQL built from values that are not allow-listed:\n" + "\n".join(
        findings)


def test_the_audit_catches_an_interpolated_value() -> None:
    bad = ast.parse(
        "def load(con, symbol):\n"
        "    con.execute(f\"SELECT * FROM core.security_bars WHERE symbol = '{symbol}'\")\n"
        "def fine(con):\n"
        "    for table in STAGING_TABLES:\n"
        "        con.execute(f'SELECT count(*) FROM core.{table}')\n"
    )
    flagged = [(f.lineno, ast.unparse(part.value)) for f, vetted in interpolated_sql(bad)
               for part in f.values
               if isinstance(part, ast.FormattedValue) and unvetted(part.value, vetted)]
    assert flagged == [(2, "symbol")]


def test_tls_verification_is_never_disabled() -> None:
    offenders = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
                 for path in sources()
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if TLS_OFF.search(line)]
    assert offenders == []


def test_provider_urls_default_to_https() -> None:
    urls = Settings().base_urls
    assert urls and all(url.startswith("https://") for url in urls.values()), urls


def test_secret_settings_are_secret_strings() -> None:
    secretish = {name: field.annotation for name, field in Settings.model_fields.items()
                 if SECRET_NAME.search(name)}
    assert all(SecretStr in getattr(annotation, "__args__", (annotation,))
               for annotation in secretish.values()), secretish


@pytest.mark.parametrize("path", list(sources()), ids=lambda p: str(p.relative_to(REPO)))
def test_the_environment_is_read_only_through_settings(path: Path) -> None:
    if path == REPO / "flows" / "settings.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reads = [node.lineno for node in ast.walk(tree)
             if (isinstance(node, ast.Attribute) and node.attr in {"getenv", "environb"})
             or (isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ"
                 and isinstance(node.ctx, ast.Load))
             or (isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get",
                                                                             "environ.get"})]
    assert reads == [], f"{path.relative_to(REPO)} reads the environment at lines {reads}"
