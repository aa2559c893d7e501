# The two commands of the quick start are `make run` and `make test`; `make help` lists the rest.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: help install run chat test lint types pytest fuzz bench bench-quick clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

install: $(STAMP) ## create .venv and install the bot with its pinned dependencies

run: install ## run the bot (Telegram if TELEGRAM_BOT_TOKEN is set, else the terminal chat)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ] || grep -qsE '^TELEGRAM_BOT_TOKEN=.+' .env; then \
		$(VENV)/bin/coach run; else $(VENV)/bin/coach chat; fi

chat: install ## talk to the coach in this terminal
	$(VENV)/bin/coach chat

lint: install ## ruff: lint and formatting
	$(VENV)/bin/ruff check bot tests bench migrations
	$(VENV)/bin/ruff format --check bot tests bench migrations

types: install ## mypy --strict on bot/
	$(VENV)/bin/mypy

pytest: install ## the test suite only
	$(PY) -m pytest -q

test: lint types pytest ## everything CI runs: lint, types, tests

bench: install ## the delivery benchmarks, side by side (about 15 minutes)
	$(PY) -m bench

bench-quick: install ## the same benchmarks at small sizes (under a minute)
	$(PY) -m bench --quick

fuzz: install ## the long fuzz run through the real handlers (100,000 updates)
	FUZZ_UPDATES=100000 $(PY) -m pytest -q tests/reliability -k fuzz

clean: ## remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
