# Casework: build, run and test. See README.md.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.install-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help install run test test-fast bench messages

help:
	@echo "make run     install, migrate, serve http://$(HOST):$(PORT)/ at once while the demo data loads (PORT=... to change)"
	@echo "make test    install and run the whole suite (ARGS='-k name' is passed to pytest)"
	@echo "make test-fast the inner loop: SQLite only, no browser tests, two workers (ARGS as for make test)"
	@echo "make bench   run each bench/*.py"
	@echo "make install create .venv and install the project with its test extras"
	@echo "make messages extract the translatable strings into locale/en/.../django.po and compile django.mo (needs gettext)"

install: $(STAMP)

# Re-installs only when pyproject.toml is newer than the stamp. A venv whose
# python no longer runs (moved, or its interpreter removed) is made anew.
$(STAMP): pyproject.toml
	@if ! $(PY) -c '' 2>/dev/null; then \
	  echo "==> creating $(VENV) with $$($(PYTHON) --version 2>&1)"; \
	  $(PYTHON) -m venv --clear $(VENV) || { echo "make install: '$(PYTHON) -m venv' failed (on Debian: apt-get install python3-venv)" >&2; exit 1; }; \
	fi
	@echo "==> pip install -e '.[test]' (log: $(VENV)/install.log)"
	@$(PY) -m pip install --disable-pip-version-check -e '.[test]' >$(VENV)/install.log 2>&1 \
	  || { tail -n 30 $(VENV)/install.log >&2; echo "make install: pip install failed, see $(VENV)/install.log" >&2; exit 1; }
	@touch $@

# The Debian packages first: a fresh Debian 12 has no python3-venv to make .venv with.
run:
	@bash scripts/system-packages.sh run
	@$(MAKE) -s --no-print-directory install
	@HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

test:
	@bash scripts/test.sh $(ARGS)

# The inner loop: no system packages, no PostgreSQL, no browser. `make test` still runs everything.
test-fast: install
	@env -u DATABASE_URL $(PY) -m pytest -p no:cacheprovider -q -m "not browser" -n 2 $(ARGS)

# The compiled django.mo is committed: `make run` needs no gettext.
messages: install
	@bash scripts/messages.sh

bench: install
	@set -e; shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "make bench: no bench/*.py"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "==> $$f"; $(PY) "$$f"; done
