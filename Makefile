# Everything sets itself up: the only prerequisites are python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck nightly bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	@for f in examples/*.json; do \
		echo "=== $$f"; \
		$(BIN)/pricing preview $$f || exit 1; \
		echo; \
	done

lint: $(STAMP)
	$(BIN)/ruff check pricing tests property_tests bench
	$(BIN)/ruff format --check pricing tests property_tests bench

typecheck: $(STAMP)
	$(BIN)/mypy pricing

test: lint typecheck
	$(BIN)/pytest

nightly: $(STAMP)
	HYPOTHESIS_PROFILE=nightly $(BIN)/pytest property_tests

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
