# The two commands a newcomer needs: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYTHON ?= python3

.PHONY: run test lint bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	TOOL_MODE=demo $(VENV)/bin/alembic upgrade head
	TOOL_MODE=demo $(FLASK) demo seed
	TOOL_MODE=demo $(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed
	bash scripts/ensure-chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(PY) -m bench
