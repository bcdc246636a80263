"""Great Expectations quality gate over the staging tables (see `expectations.gate`)."""
