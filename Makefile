# newsarchive — every target that needs Python creates .venv and installs the project first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PELICAN := $(BIN)/pelican
INPUTDIR := content
OUTPUTDIR := output
STAGING := .cache/site
CONFFILE := pelicanconf.py
PUBLISHCONF := publishconf.py
PORT ?= 8000
N ?= 10000
PELICANOPTS ?=

.DEFAULT_GOAL := help
.PHONY: help install html clean regenerate serve devserver publish ingest test lint check bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP) $(NODE_STAMP) ## Create .venv and install the project with its dev tools

# node_modules: the world map's boundaries (world-atlas) and the browser tests' axe-core, from
# package-lock.json. Without npm the site still builds, with a warning and without maps.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "make: npm not found: maps are left out (install Node.js to draw them)"; fi

# Pelican renders into a staging folder; sync then writes into output/ only the files whose
# bytes changed, so unchanged pages keep their mtime and deploys stay small. The incremental
# plugin re-renders only pages whose inputs changed. TIMINGS=1 ends the log with a table of
# the stages' times (reading, tagging, incidents, related, rendering, indexing).
TIMINGS ?=
html: $(STAMP) $(NODE_STAMP) ## Build the site into output/ and index it with Pagefind (TIMINGS=1: stage times)
	NEWSARCHIVE_TIMINGS=$(TIMINGS) $(PELICAN) $(INPUTDIR) -o $(STAGING) -s $(CONFFILE) --delete-output-directory $(PELICANOPTS)
	$(BIN)/newsarchive sync $(STAGING) $(OUTPUTDIR)

clean: ## Remove the built site and caches
	rm -rf $(OUTPUTDIR) .cache

regenerate: $(STAMP) ## Rebuild whenever content changes
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

serve: $(STAMP) ## Serve output/ on http://localhost:$(PORT)
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) $(PELICANOPTS)

devserver: $(STAMP) ## Rebuild on change and serve on http://localhost:$(PORT)
	$(PELICAN) -lr $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) $(PELICANOPTS)

publish: $(STAMP) $(NODE_STAMP) ## Build for deployment (SITEURL from the environment, feeds on)
	NEWSARCHIVE_TIMINGS=$(TIMINGS) $(PELICAN) $(INPUTDIR) -o $(STAGING) -s $(PUBLISHCONF) --delete-output-directory $(PELICANOPTS)
	$(BIN)/newsarchive sync $(STAGING) $(OUTPUTDIR)

# Ingest exits 1 when some sources failed (the rest are ingested); with INGEST_ALLOW_PARTIAL=1
# (as in CI) that is a warning, and only a usage error (2) or a crash fails the target.
ingest: $(STAMP) ## Ingest feeds.toml and inbox/ (INGEST_ALLOW_PARTIAL=1: failed feeds only warn)
	@rc=0; $(BIN)/newsarchive ingest $(INGEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 1 ] && [ -n "$(INGEST_ALLOW_PARTIAL)" ]; then \
	  echo "make ingest: some sources failed (listed above); the others were ingested"; rc=0; \
	fi; exit $$rc

test: $(STAMP) $(NODE_STAMP) ## Run the test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff over the code
	$(BIN)/ruff check .

check: $(STAMP) ## Check output/: internal links, HTML, Atom feeds
	$(BIN)/newsarchive check $(OUTPUTDIR) --siteurl "$(SITEURL)"

bench: $(STAMP) ## Benchmarks on a synthetic archive of N articles (default 10000)
	$(BIN)/python -m bench --articles $(N)
