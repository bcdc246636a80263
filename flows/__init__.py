"""Prefect flows, the CLI and the source clients they call."""
