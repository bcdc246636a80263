"""The ``cntech`` exit codes, one map for every command (documented in the README)."""

EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_EXTRACTION = 3
# Published, but some marts kept their last version: a dataset they read was late or its
# provider failed (see warehouse/holdback.py). Every other mart advanced.
EXIT_HELD_BACK = 4
# The Prefect API the run reports to could not be started or reached; nothing ran.
EXIT_STARTUP = 5
