"""Scale data generator and benchmark scripts (``python -m benchmarks.run``)."""
