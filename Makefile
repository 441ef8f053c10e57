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

# The single-government run (data/), then the province view: the bundled two governments
# (data/shards.yaml: 钦州, 桂林/资源县) run side by side, each its own warehouse and release.
demo: setup browser
	$(BIN)/ecoscore run --year 2024
	$(BIN)/ecoscore province run --year 2024

test: setup browser
	$(BIN)/python -m pytest -q

ui: setup
	@echo "Dagster UI: http://127.0.0.1:3000"
	$(BIN)/dagster dev -m pipelines.definitions -h 127.0.0.1 -p 3000

lint: setup
	$(BIN)/ruff check pipelines tests bench

clean:
	rm -rf data/warehouse data/marts/releases data/marts/current .dagster_home dbt_project/target
	rm -rf data/shards/*/warehouse data/shards/*/marts data/province
