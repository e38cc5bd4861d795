PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint fmt messages clean

$(BIN)/laurel: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(BIN)/laurel

## run: install, migrate SQLite, seed the demo and serve it with a worker
run: $(BIN)/laurel
	./scripts/system-deps.sh
	$(BIN)/laurel demo --port $(PORT)

# The independent verifier the interop tests run, pinned by its lock file.
INTEROP := tests/interop/node_modules/.package-lock.json
$(INTEROP): tests/interop/package-lock.json
	npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error

## test: install with test dependencies and run the whole suite
test: $(BIN)/laurel
	./scripts/system-deps.sh --test
	$(MAKE) $(INTEROP)
	$(BIN)/ruff check laurel tests bench
	$(BIN)/laurel manage makemigrations --check --dry-run >/dev/null
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

lint: $(BIN)/laurel
	$(BIN)/ruff check laurel tests bench
	$(BIN)/ruff format --check laurel tests bench

fmt: $(BIN)/laurel
	$(BIN)/ruff format laurel tests bench
	$(BIN)/ruff check --fix laurel tests bench

## messages: extract Korean catalog entries and compile all catalogs
messages: $(BIN)/laurel
	cd laurel && ../$(BIN)/laurel manage makemessages -l ko --no-obsolete --no-location
	cd laurel && ../$(BIN)/laurel manage compilemessages

clean:
	rm -rf $(VENV) build dist *.egg-info

## bench: sign/verify throughput on distinct credentials, and Laurel against pyld and openbadgeslib
.PHONY: bench
BENCH_VENV := .venv-bench
$(BENCH_VENV)/bin/python:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q "openbadgeslib[ldp]"

bench: $(BIN)/laurel $(BENCH_VENV)/bin/python
	$(BIN)/python -m bench.sign_verify --n 500
	$(BIN)/python -m bench.compare --n 500 --bench-python $(BENCH_VENV)/bin/python

## bench-check: the compiled JSON-LD path against pyld on thousands of generated credentials (nightly)
.PHONY: bench-check
bench-check: $(BIN)/laurel
	LAUREL_HYPOTHESIS_PROFILE=bench-check $(BIN)/python -m pytest tests/vc/test_compiled_properties.py -q --hypothesis-show-statistics

## bench-e2e: 10,000 CSV rows through a real server and workers (SQLite; PostgreSQL with 1 and 2 workers)
.PHONY: bench-e2e
PG_BENCH_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench-e2e: $(BIN)/laurel
	$(BIN)/python -m bench.issue_csv --rows 10000
	$(BIN)/python -m bench.issue_csv --rows 10000 --database-url $(PG_BENCH_URL)
	$(BIN)/python -m bench.issue_csv --rows 10000 --workers 2 --database-url $(PG_BENCH_URL)
