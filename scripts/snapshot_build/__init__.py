"""Builders for the bundled offline snapshot (``scripts/build_snapshot.py``).

Each module turns one family of public source files from ``../shared/data`` into provider-format
bodies for the landing zone; ``landing`` writes them with their manifests.
"""
