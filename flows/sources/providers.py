"""The provider clients by name, as ``RequestSpec.provider`` spells it."""

from __future__ import annotations

from flows.sources.base import Provider
from flows.sources.eastmoney import Eastmoney
from flows.sources.hkex import Hkex
from flows.sources.sse import Sse
from flows.sources.szse import Szse
from flows.sources.yahoo import Yahoo

PROVIDERS: dict[str, Provider] = {
    "eastmoney": Eastmoney(), "yahoo": Yahoo(), "hkex": Hkex(), "sse": Sse(), "szse": Szse(),
}
