"""DuckDB warehouse: DDL, staging, core merges, marts and the atomic publish."""
