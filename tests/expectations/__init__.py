"""Tests of the quality gate in `expectations/`."""
