"""The bad-data corpus: provider payloads of the bundled snapshot, each broken one way."""
