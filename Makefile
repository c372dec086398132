# Two commands: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint typecheck unit install install-dev test-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/altsleeve demo

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

typecheck: install-dev
	$(BIN)/mypy

# Headless Chromium and poppler-utils for the report's browser and PDF-page tests.
# Installs them with apt-get when missing; where it cannot, says so and the tests skip.
test-tools:
	@bash scripts/install-test-tools

unit: install-dev test-tools
	$(BIN)/pytest

test: lint typecheck unit

clean:
	rm -rf $(VENV) demo-output altsleeve.duckdb .pytest_cache .mypy_cache .ruff_cache
