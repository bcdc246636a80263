"""The provider registry: every package under ``flows/sources/`` that declares a provider.

A provider package is found, not listed: ``flows/sources/<name>/__init__.py`` holds its
``HOSTS`` and ``flows/sources/<name>/provider.py`` its ``PROVIDER``. Settings read the hosts (a
cheap import: no parsers, no polars), the catalog the request builders and roles, the parse
stage the endpoints, the loopback replay server of the tests the routes.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Mapping
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

import flows.sources

if TYPE_CHECKING:
    import polars as pl

    from flows.sources.provider import Provider
    from transforms.dispatch import Parsing


def hosts() -> dict[str, str]:
    """Every provider host key with its default base URL."""
    return {host: url for package in _packages(_search_path())
            for host, url in package.HOSTS.items()}


def providers() -> list[Provider]:
    """Every registered provider, in the order of their package names."""
    return list(_providers(_search_path()).values())


def provider(name: str) -> Provider:
    """The provider ``RequestSpec.provider`` and the seeds' ``provider`` column call ``name``."""
    registered = _providers(_search_path())
    if name not in registered:
        raise LookupError(f"no provider package {name!r}; registered: {sorted(registered)}")
    return registered[name]


def code_patterns() -> dict[str, re.Pattern[str]]:
    """The ``provider_code`` shape of every provider a seed row may name."""
    return {registered.name: registered.code_pattern for registered in providers()
            if registered.code_pattern is not None}


def endpoint(name: str) -> Parsing:
    """What parses the bodies of endpoint ``name`` and which staging table they feed."""
    for registered in providers():
        if name in registered.endpoints:
            return registered.endpoints[name]
    raise LookupError(f"no provider registers endpoint {name!r}")


def endpoint_datasets() -> dict[str, str]:
    """Every registered endpoint with the dataset (staging table) its bodies feed."""
    return {name: parsing.table for registered in providers()
            for name, parsing in registered.endpoints.items()}


def parse(name: str, body: bytes, subject: str, code: str) -> tuple[str, pl.DataFrame]:
    """Parse one landed body of endpoint ``name``: its staging table and typed frame."""
    parsing = endpoint(name)
    return parsing.table, parsing.parse(body, subject, code)


def _search_path() -> tuple[str, ...]:
    return tuple(flows.sources.__path__)


@cache
def _packages(path: tuple[str, ...]) -> tuple[ModuleType, ...]:
    names = sorted(info.name for info in pkgutil.iter_modules(list(path)) if info.ispkg)
    return tuple(importlib.import_module(f"flows.sources.{name}") for name in names)


@cache
def _providers(path: tuple[str, ...]) -> Mapping[str, Provider]:
    registered: dict[str, Provider] = {}
    for package in _packages(path):
        declared: Provider = importlib.import_module(f"{package.__name__}.provider").PROVIDER
        if declared.name != package.__name__.rsplit(".", 1)[1]:
            raise LookupError(f"{package.__name__} declares provider {declared.name!r}; a "
                              "provider's package carries its name")
        registered[declared.name] = declared
    return registered
