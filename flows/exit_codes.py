"""The ``cntech`` exit codes, one map for every command (documented in the README).

They are defined beside the error base class that carries them (:mod:`errors`), which every
layer may import; the CLI reads them here.
"""

from errors import EXIT_EXTRACTION, EXIT_GATE, EXIT_HELD_BACK, EXIT_STARTUP, EXIT_USAGE

__all__ = ["EXIT_EXTRACTION", "EXIT_GATE", "EXIT_HELD_BACK", "EXIT_STARTUP", "EXIT_USAGE"]
