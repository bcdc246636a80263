PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Superset's DuckDB driver on the SQLAlchemy line it reflects columns with (2.1's PostgreSQL
# reflection queries pg_collation, which DuckDB lacks), apart from the project's own SQLAlchemy:
# tests/flows/test_readers.py runs it with this folder first on PYTHONPATH.
SUPERSET := $(VENV)/superset-reader
SUPERSET_PINS := duckdb-engine==0.17.0 sqlalchemy==2.0.58

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: run test lint bench snapshot clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --upgrade --no-deps --target $(SUPERSET) $(SUPERSET_PINS)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cntech run --source snapshot
	$(BIN)/cntech docs
	$(BIN)/cntech report

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy errors.py flows transforms expectations warehouse registry reporting scripts benchmarks tests

# Full-market benchmarks (about 15 minutes at full size on 2 cores; akshare is installed for the peer
# comparison only, never as a project dependency). SECURITIES=2000 YEARS=10 for a shorter run.
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet akshare==1.19.5 responses==0.26.3
	$(BIN)/python -m benchmarks.run --securities $(or $(SECURITIES),8000) --years $(or $(YEARS),10)

snapshot: $(STAMP)
	$(BIN)/python scripts/build_snapshot.py --shared ../shared/data --out snapshot

clean:
	rm -rf data build *.egg-info
