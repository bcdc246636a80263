"""The read side reads what a run published: the session's Prefect API and published run."""

from tests.flows.conftest import prefect_server, published, snapshot_copy

__all__ = ["prefect_server", "published", "snapshot_copy"]
