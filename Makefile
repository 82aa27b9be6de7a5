# Two entry points for a new machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB := api/web

.PHONY: install web-assets documents browser run check test fuzz lint bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# bpmn-js, Chart.js and htmx come from npm and are served locally (never from a CDN).
$(WEB)/node_modules/.package-lock.json: $(WEB)/package.json $(WEB)/package-lock.json
	npm ci --prefix $(WEB) --no-audit --no-fund --loglevel=error

web-assets: $(WEB)/node_modules/.package-lock.json

install: $(VENV)/.installed web-assets

# Official documents become PDFs with LibreOffice (driven through the system Python's uno module) in fonts with
# every Vietnamese letter; report PDFs are set in DejaVu Sans. `make run` and `make test` install them from Debian
# when they can; without them, run with PHANANH_ISSUE_DOCUMENTS=false (steps then complete without issuing).
documents:
	@if ! command -v soffice >/dev/null 2>&1 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				libreoffice-writer-nogui python3-uno fonts-dejavu-core fonts-liberation >/dev/null; \
		else echo "note: LibreOffice missing (apt-get install libreoffice-writer-nogui python3-uno fonts-dejavu-core); set PHANANH_ISSUE_DOCUMENTS=false to run without issuing documents"; fi; \
	fi

# Browser tests drive Debian's Chromium (a browser download cannot work here); report tests turn PDFs into PNGs
# with poppler's pdftoppm.
browser: documents
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
		else echo "note: chromium/pdftoppm missing; browser and PDF tests will be skipped (apt-get install chromium poppler-utils)"; fi; \
	fi

run: install documents
	$(BIN)/phananh migrate
	$(BIN)/phananh deploy processes
	$(BIN)/phananh demo
	$(BIN)/phananh serve --host $(HOST) --port $(PORT)

# Lint, formatting and types: fast, so every test run (and CI, which runs `make test`) starts with them.
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy engine

# Tests run on every core (pytest-xdist), each on whichever worker is free; a module whose tests share a
# module-scoped fixture (a browser, a server) stays on one worker, so it starts once (tests/conftest.py).
test: check browser
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

# Schemathesis over the OpenAPI document: the suite's fuzz test with many more generated requests per operation.
FUZZ_EXAMPLES ?= 100
fuzz: install
	PHANANH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -s tests/api/test_fuzz_openapi.py

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/bench_all.py

screenshots: install browser
	PHANANH_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/browser

clean:
	rm -rf $(VENV) $(WEB)/node_modules phananh.db phananh.db-wal phananh.db-shm
