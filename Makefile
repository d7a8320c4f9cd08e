# shopstack: `make up` runs the platform, `make test` passes its tests.
# Nothing is assumed but Python 3.11 and make: uv is bootstrapped into .tools/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
# The machine's Python, never a downloaded toolchain.
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never

PROJECTS := pyproject.toml web/pyproject.toml tools/cli/pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
TYPED_SOURCES := libs/shopkit/src libs/testkit/src $(wildcard services/*/src) web/src tools/cli/src

.PHONY: help sync up test test-unit lint pre-commit fmt images bench k8s-secrets clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) uv.lock $(PROJECTS)
	$(UV) sync --frozen --all-packages --compile-bytecode
	@touch $@

sync: $(VENV)/.synced ## Create or update the environment from uv.lock

up: sync ## Run every service on embedded SQLite with demo data (Ctrl-C stops all; UP_RESTART=on-failure)
	@echo "shopstack: open http://127.0.0.1:$${GATEWAY_PORT:-8000}  (APIs: product :$${PRODUCT_PORT:-8080}, inventory :$${INVENTORY_PORT:-8081}, order :$${ORDER_PORT:-8082}; identity :$${IDENTITY_PORT:-8083})"
	@echo "shopstack: the local admin is $${IDENTITY_ADMIN_EMAIL:-admin@shopstack.local}; its generated password is in $${IDENTITY_ADMIN_PASSWORD_FILE:-.data/admin-password} (written on the first start)"
	@echo "shopstack: check it with $(BIN)/shopstack smoke --base-url http://127.0.0.1:$${GATEWAY_PORT:-8000} --client-secret-file $${IDENTITY_SMOKE_CLIENT_SECRET_FILE:-.data/secrets/smoke}"
	AUTH_ISSUER="$${AUTH_ISSUER:-http://127.0.0.1:$${IDENTITY_PORT:-8083}}" PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho --no-colour start -f Procfile

test: sync ## Unit, integration and end-to-end tests (MariaDB tests skip locally without a server)
	$(BIN)/pytest

test-unit: sync ## Only the fast tests without I/O
	$(BIN)/pytest libs/*/tests/unit services/*/tests/unit

lint: sync ## ruff, mypy and the layering contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(TYPED_SOURCES)
	$(BIN)/lint-imports --no-cache

pre-commit: sync ## Every pre-commit hook on every file (lint + shell, Docker, workflow, YAML, secrets)
	PRE_COMMIT_HOME=$(TOOLS)/pre-commit $(BIN)/pre-commit run --all-files --show-diff-on-failure

fmt: sync ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

images: sync ## Build every service image with buildah and run it (root; needs buildah, debootstrap)
	$(BIN)/pytest -m images tests/deploy

OVERLAY ?= microk8s
k8s-secrets: ## Create an overlay's git-ignored secrets/*.env with random values (OVERLAY=microk8s|aks)
	ci/k8s-secrets.sh $(OVERLAY)

bench: sync ## Measure the platform on MariaDB against the machine's ceilings (needs wrk)
	$(BIN)/python bench/run.py

clean: ## Remove the environment, tools and local data
	rm -rf $(VENV) $(TOOLS) .data .pytest_cache .mypy_cache .ruff_cache
