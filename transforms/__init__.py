"""Pure polars transforms: raw provider payload bytes in, typed frames out. No I/O, no Prefect."""
