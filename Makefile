# ecoscore — two commands do everything on a fresh machine with Python 3.11:
#   make demo   set up, run the whole pipeline on the bundled sample (2023, 2024, the 2020 and 2022 samples), say where results are
#   make test   set up, run the tests on pytest-xdist workers: all but the whole-run scenarios (the loop)
#   make test-all   every test, the scenarios with pipeline runs of their own too (what CI runs)
#   make test-fast  the rules and unit tests alone, no pipeline run (the loop while editing)
#   make lint   ruff on the Python, sqlfluff on the dbt SQL; make lint-fix applies their fixes
#   make papers every page of every published paper (dashboard PDF, workbook, 通报) as PNG, docs/images refreshed
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export DAGSTER_HOME := $(CURDIR)
export ECOSCORE_DAGSTER_STORAGE ?= $(CURDIR)/.dagster_home

.PHONY: setup demo demo-2020 demo-2022 demo-national test test-all test-fast ui lint lint-sql lint-fix browser office papers clean

# then the dbt manifest Dagster's dbt assets are defined from, parsed again when a dbt file is
# newer than it (importing the code never parses)
setup: $(VENV)/.installed
	@$(BIN)/python -m pipelines.lib.dbt_launcher

# The lock file pins every package; uv installs exactly that set, compiled to bytecode once
# (--compile-bytecode, ~20 s): every `ecoscore` command, Dagster run worker and test process
# starts from the .pyc files instead of compiling ~5,000 modules again, which is what a Python
# with PYTHONDONTWRITEBYTECODE set (as on CI machines) would do each time (~20 s a run).
$(VENV)/.installed: pyproject.toml uv.lock Makefile
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --quiet --compile-bytecode --python $(BIN)/python
	@touch $@

# The dashboard's PNG/PDF export (kaleido) needs a Chromium and CJK fonts: Debian's chromium and
# fonts-noto-cjk, installed when missing and we are root with apt-get. Otherwise it says what is
# missing and carries on: the dashboard is then HTML only.
browser:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing=" chromium"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -z "$$missing" ]; then echo "browser: chromium and fonts-noto-cjk present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: installing$$missing (apt-get)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } \
	  || echo "browser: apt-get install$$missing failed: dashboard will be HTML only (no PNG/PDF)"; \
	else echo "browser: missing$$missing; as root run 'apt-get install chromium fonts-noto-cjk'" \
	  "(or set BROWSER_PATH to a Chrome/Chromium): until then the dashboard is HTML only (no PNG/PDF)"; fi

# The tests that have LibreOffice recalculate the exported workbook's formulas and print the
# workbook and the 通报 (tests/test_office.py, tests/test_papers.py) need `soffice` with Calc
# and Writer: Debian's libreoffice-calc-nogui and libreoffice-writer-nogui, installed when
# missing and we are root with apt-get (about a minute). Otherwise it says what is missing, and
# those tests are skipped.
OFFICE_PACKAGES := libreoffice-calc-nogui libreoffice-writer-nogui
office:
	@missing=""; for p in $(OFFICE_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if command -v soffice >/dev/null 2>&1 && [ -z "$$missing" ]; then echo "office: soffice (Calc, Writer) present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "office: installing$$missing (apt-get)"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(OFFICE_PACKAGES) >/dev/null; } \
	  || echo "office: apt-get install$$missing failed: the LibreOffice tests will be skipped"; \
	else echo "office: missing$$missing; as root run 'apt-get install $(OFFICE_PACKAGES)'" \
	  "(until then the LibreOffice tests are skipped)"; fi

# Every page of every published paper as PNG, to read them as a meeting would (issue 34): each
# year's dashboard.pdf, and each scheme's workbook and 通报 printed by LibreOffice, page by page
# into data/papers/<year>/<paper>/page-NN.png; docs/images gets the pages the docs show.
papers: setup browser office
	$(BIN)/python tools/papers.py --docs

# The sample's prior year (2023, the 钦州 units) first, as its own release, then 2024: the 2024
# dashboard then shows each unit's score and rank over both years (历年得分与排名). Then the
# province view: the bundled two governments (data/shards.yaml: 钦州, 桂林/资源县) run side by
# side, each its own warehouse and release; then the 2020 sample.
# The 2024 release scores every month end of the year (fct_unit_score_monthly, ~10–30 s each on a
# new warehouse); the other runs score only the newest (ECOSCORE_MONTH_ENDS=latest) to keep the demo short.
demo: setup browser
	ECOSCORE_MONTH_ENDS=latest $(BIN)/ecoscore run --year 2023
	$(BIN)/ecoscore run --year 2024
	ECOSCORE_MONTH_ENDS=latest $(BIN)/ecoscore province run --year 2024
	@ECOSCORE_MONTH_ENDS=latest $(MAKE) --no-print-directory demo-2020
	@ECOSCORE_MONTH_ENDS=latest $(MAKE) --no-print-directory demo-2022
	@$(MAKE) --no-print-directory demo-national

# The 2020 sample in its own data folder (data/samples/xxcity_2020, results beside its raw/):
# xxcity_2020 scored, yuhua_2020's department duties tracked (the completion matrix).
demo-2020: setup
	ECOSCORE_DATA_DIR=$(CURDIR)/data/samples/xxcity_2020 $(BIN)/ecoscore run --year 2020

# The 2022 sample in its own data folder (data/samples/fangchenggang_2022): seed 000's department
# shares scored from their ledgers, in a year without air or water data (shown as 无数据).
demo-2022: setup
	ECOSCORE_DATA_DIR=$(CURDIR)/data/samples/fangchenggang_2022 $(BIN)/ecoscore run --year 2022

# A real month of CNEMC's city files (January 2023, 375 cities, in its own data folder
# data/samples/cnemc_2023_01): every city's monthly statistics and ranking, then the 339-city
# national figures beside the Ministry's. The real files are not in the repository (public data
# is placed by the steering repository under shared/data/real/); the first folder holding
# cities_2023-01/china_cities_*.csv* wins: $ECOSCORE_REAL_NATIONAL, a local
# tests/data/real/cnemc_national (never committed), the shared copy beside the checkout
# (../shared for /work/main, ../../shared for a worktree under /work/wt). The sample's
# raw/air/national is linked to it (untracked). With none, it says what is missing and where it
# looked, and skips (it does not fail).
NATIONAL_CANDIDATES := $(ECOSCORE_REAL_NATIONAL) tests/data/real/cnemc_national \
  ../shared/data/real/cnemc_national ../../shared/data/real/cnemc_national
NATIONAL_FOUND = $(firstword $(foreach d,$(NATIONAL_CANDIDATES),$(if $(wildcard $(d)/cities_2023-01/china_cities_*.csv*),$(d))))
NATIONAL_LINK := data/samples/cnemc_2023_01/raw/air/national
demo-national: setup
	@if [ -n "$(NATIONAL_FOUND)" ]; then \
	  ln -sfn "$(abspath $(NATIONAL_FOUND))/cities_2023-01" $(NATIONAL_LINK) && \
	  echo "demo-national: CNEMC's city files of January 2023 from $(NATIONAL_FOUND)/cities_2023-01" && \
	  ECOSCORE_DATA_DIR=$(CURDIR)/data/samples/cnemc_2023_01 $(BIN)/ecoscore run --year 2023 && \
	  ECOSCORE_DATA_DIR=$(CURDIR)/data/samples/cnemc_2023_01 $(BIN)/ecoscore air national --month 2023-01; \
	else echo "demo-national: skipped — CNEMC's real city files of January 2023" \
	  "(cities_2023-01/china_cities_20230101.csv.gz … china_cities_20230201.csv.gz)" \
	  "are in none of: $(strip $(NATIONAL_CANDIDATES)). They are placed by the steering" \
	  "repository under shared/data/real/cnemc_national (tests/data/real/README.md says how);" \
	  "ECOSCORE_REAL_NATIONAL=<folder> names another copy."; fi

# TEST_WORKERS=0 runs in one process. One file per worker at a time (loadfile): a module's own
# pipeline runs happen once; the shared sample run happens once for all workers (tests/conftest.py).
# `make test` is the loop: every test but those that make whole pipeline runs of their own (marker
# `slow`: the fault, second-year, as-of, incremental, shard and writer-lock scenarios, ~20 runs).
# TEST_SCOPE=all (`make test-all`, what CI runs) adds them, in the same session.
TEST_WORKERS ?= 2
TEST_SCOPE ?= loop
TEST_SELECT := $(if $(filter all,$(TEST_SCOPE)),,-m "not slow")
test: setup browser office
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=30 $(TEST_SELECT)

test-all:
	@$(MAKE) --no-print-directory test TEST_SCOPE=all

test-fast: setup
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup -m "not e2e" --durations=10

ui: setup
	@echo "Dagster UI: http://127.0.0.1:3000 (after editing dbt files: make setup, then reload the code location)"
	$(BIN)/dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

# sqlfluff reads dbt_project/.sqlfluff (DuckDB dialect, jinja templater with dbt's builtins).
# Models only: a macro file renders to nothing with the jinja templater (its SQL is linted where a
# model calls it).
SQL_PATHS := dbt_project/models
lint: setup
	$(BIN)/ruff check pipelines tests bench sample tools
	$(BIN)/sqlfluff lint $(SQL_PATHS) --processes 2

lint-sql: setup
	$(BIN)/sqlfluff lint $(SQL_PATHS) --processes 2

lint-fix: setup
	$(BIN)/ruff check --fix pipelines tests bench sample tools
	$(BIN)/sqlfluff fix $(SQL_PATHS) --processes 2

clean:
	rm -rf data/warehouse data/marts/releases data/marts/current .dagster_home dbt_project/target
	rm -rf data/shards/*/warehouse data/shards/*/marts data/province
