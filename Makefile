# Two commands do all set-up: `make run` and `make test`. Both create .venv when it is
# missing and (re)install the package when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What `make run` needs (matchaid and the report's pictures) and what `make test` needs.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[report]'
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,report]'
	touch $(STAMP) $(RUN_STAMP)

# Solves the flagship example (Tibet group-style aid, 519 experts) and writes its report.
# It installs only what running needs (not the test tools).
run: $(RUN_STAMP)
	$(BIN)/python examples/tibet_group_aid/plan.py out/tibet_group_aid

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
test: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest ran no test" >&2; exit 1; fi; exit $$rc

clean:
	rm -rf $(VENV) build *.egg-info
