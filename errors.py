"""The ``cntech`` exit codes and the one error base class that carries them.

Every layer (sources, transforms, warehouse, expectations, flows) may import this module: it
needs the standard library only, so even the argument checks that run before anything heavy
loads can raise its errors. The CLI catches :class:`CntechError` once and exits with the
error's ``exit_code``.
"""

from __future__ import annotations

from typing import ClassVar

EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_EXTRACTION = 3
# Published, but some marts kept their last version: a dataset they read was late or its
# provider failed (see warehouse/holdback.py). Every other mart advanced.
EXIT_HELD_BACK = 4
# The Prefect API the run reports to could not be started or reached; nothing ran.
EXIT_STARTUP = 5


class CntechError(Exception):
    """An expected failure: its message is what the user sees, ``exit_code`` how the run ends.

    ``headed`` errors carry a list of what failed, shown under the command's own headline;
    the others are one line.
    """

    exit_code: ClassVar[int] = EXIT_USAGE
    headed: ClassVar[bool] = False
