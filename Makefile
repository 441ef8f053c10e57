# ecoscore — two commands do everything on a fresh machine with Python 3.11:
#   make demo   set up, run the whole pipeline on the bundled sample, say where results are
#   make test   set up, run the tests
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DAGSTER_HOME := $(CURDIR)
export ECOSCORE_DAGSTER_STORAGE ?= $(CURDIR)/.dagster_home

.PHONY: setup demo test ui lint browser clean

setup: $(VENV)/.installed

# The lock file pins every package; uv installs exactly that set.
$(VENV)/.installed: pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet --python $(BIN)/python
	@touch $@

demo: setup
	$(BIN)/ecoscore run --year 2024

test: setup
	$(BIN)/python -m pytest -q

ui: setup
	@echo "Dagster UI: http://127.0.0.1:3000"
	$(BIN)/dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

lint: setup
	$(BIN)/ruff check pipelines tests bench

clean:
	rm -rf data/warehouse data/marts/releases data/marts/current .dagster_home dbt_project/target
