"""Great Expectations, imported without the libraries only its unused expectations load.

Importing Great Expectations imports every expectation it ships, and one of them (the
KL-divergence expectation, with its charts) imports Altair and SciPy's statistics at once: 1.8 s
of the 4.2-5.5 s of one core the import took, in every process that judges a frame and beside
a run's start-up. No rule of ours uses them, so they are left as stand-ins that import the real
module the first time anything reads from it.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from types import ModuleType

DEFERRED = ("altair", "scipy.stats")
_lock = threading.Lock()


class Deferred(ModuleType):
    """Stands in for a module in ``sys.modules`` until an attribute of it is read."""

    def __getattr__(self, name: str) -> object:
        # Tools that walk sys.modules ask every module for its file; only an import below it
        # (its __path__) or a real attribute needs the module itself.
        if name.startswith("__") and name != "__path__":
            raise AttributeError(name)
        return getattr(_imported(self.__name__), name)


def _imported(name: str) -> ModuleType:
    with _lock:
        module = sys.modules.get(name)
        if module is None or isinstance(module, Deferred):
            sys.modules.pop(name, None)
            module = importlib.import_module(name)
    return module


def defer() -> None:
    """Leave stand-ins for ``DEFERRED`` until Great Expectations is imported (once loaded, it
    holds the real modules, and so does everything imported before it)."""
    with _lock:
        if "great_expectations" not in sys.modules:
            for name in DEFERRED:
                sys.modules.setdefault(name, Deferred(name))


def load() -> ModuleType:
    """``great_expectations``, imported once per process, analytics off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    defer()
    return importlib.import_module("great_expectations")
