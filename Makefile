# The two commands of README.md: `make run` and `make test`. Everything else serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp
export FLASK_APP = web

.PHONY: run test install translations browser lint clean

run: install
	bash scripts/run.sh

test: install browser lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The house style (docs: style in README): ruff's rules from pyproject.toml, whole tree.
lint: install
	$(VENV)/bin/ruff check .

install: $(STAMP) translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Each area keeps its own catalogue under web/**/translations; compile them all.
translations: $(STAMP)
	@for d in $$(find web -type d -name translations); do \
	  $(VENV)/bin/pybabel compile -f -d $$d >/dev/null || exit 1; done

# Browser tests drive Debian's Chromium through Playwright; install it when we can.
browser:
	@bash scripts/ensure-chromium.sh

clean:
	rm -rf $(VENV) instance
