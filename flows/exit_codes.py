"""The ``cntech`` exit codes, one map for every command (documented in the README)."""

EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_EXTRACTION = 3
# The Prefect API the run reports to could not be started or reached; nothing ran.
EXIT_STARTUP = 5
