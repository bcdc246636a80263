"""Source clients: fetch raw payloads and land them untouched, nothing else."""
