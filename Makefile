# Everything sets itself up: the only prerequisites are python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck docs nightly bench clean

# dev: the test tools; docs: the site builder (make test builds the site too).
# A .venv made before the distribution was renamed still holds it as "pricing":
# that one is removed first, so one distribution owns the package and the command.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip uninstall --quiet --yes pricing >/dev/null 2>&1 || true
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	@# The editable install leaves pricing/ uncompiled; where PYTHONDONTWRITEBYTECODE
	@# is set, every run of the command would compile it again (a third of its start-up).
	$(BIN)/python -m compileall -q pricing >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	@for f in examples/*.json; do \
		echo "=== $$f"; \
		$(BIN)/pricing preview $$f || exit 1; \
		echo; \
	done

lint: $(STAMP)
	$(BIN)/ruff check pricing tests property_tests bench conftest.py docs/_ext docs/whatif_study.py
	$(BIN)/ruff format --check pricing tests property_tests bench conftest.py docs/_ext docs/whatif_study.py

typecheck: $(STAMP)
	$(BIN)/mypy pricing

# The documentation site (mkdocs.yml) into site/. --strict: a broken link, anchor or
# API reference fails the build. Never add --quiet: it hides the warnings from
# --strict, which then passes whatever they say. NO_MKDOCS_2_WARNING silences
# Material's notice about MkDocs 2 printed on every build.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

test: lint typecheck docs
	$(BIN)/pytest

nightly: $(STAMP)
	HYPOTHESIS_PROFILE=nightly $(BIN)/pytest property_tests

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) site .mypy_cache .pytest_cache .ruff_cache .hypothesis
