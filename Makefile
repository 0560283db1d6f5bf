# tystnad — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
DEMO_NOW := 2026-03-20 09:00

.PHONY: install system-deps demo test lint bench bench-sync train eval clean

# The sample generator (sample/) first: the `sample` extra then finds it installed instead of asking PyPI.
$(STAMP): pyproject.toml sample/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "tystnad needs Python 3.11 or newer (found: $$($(PYTHON) -V))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ./sample
	$(BIN)/pip install --quiet -e '.[test,sample]'
	@touch $(STAMP)

install: $(STAMP)

# The real parts the tests drive: Debian's Chromium (dashboard) and Dovecot (IMAP), installed when missing.
SYSTEM_PACKAGES := /usr/bin/chromium:chromium /usr/sbin/dovecot:dovecot-imapd
system-deps:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
		[ -x "$${pair%%:*}" ] || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
		echo "installing Debian packages:$$missing"; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# A realistic sample mailbox of Swedish and English deals, scanned as a seller would on a Monday.
demo: $(STAMP)
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/tystnad generate $(DEMO)/mailbox.mbox --deals 40 --messages 400 --seed 7 --now "$(DEMO_NOW)"
	$(BIN)/tystnad scan $(DEMO)/mailbox.mbox --me norrsken.se --now "$(DEMO_NOW)"

test: $(STAMP) system-deps
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory lint

# Style, strict types, and the import contract that keeps the folders a pipeline (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check src tests bench sample
	$(BIN)/mypy
	$(BIN)/lint-imports

# The labelled conversations the decision heads learn from: ../shared's development corpus (read
# there, never copied), our own test corpus, and the batches in corpus/, each its own author group.
CORPORA := ../shared/corpus tests/corpus:own $(sort $(wildcard corpus/w*))
MODEL := src/tystnad/understand/decide/model.json
SHARED_CORPUS := @test -d ../shared/corpus || { echo "needs ../shared/corpus beside the checkout"; exit 1; }

# Refit the shipped decision heads on every labelled corpus.
train: $(STAMP)
	$(SHARED_CORPUS)
	$(BIN)/tystnad train $(CORPORA) --out $(MODEL)

# Grouped cross-validation: each author group held out in turn, rules alone → learned heads.
eval: $(STAMP)
	$(SHARED_CORPUS)
	$(BIN)/tystnad train $(CORPORA) --evaluate

# Messages per second and peak memory at two sizes and on the real Enron mailboxes; dashboard page times.
bench: $(STAMP) system-deps
	$(BIN)/python bench/scan_bench.py
	$(BIN)/python bench/web_bench.py
	$(BIN)/python bench/sync_bench.py
	$(BIN)/python bench/backtest_bench.py

# First sync of 20,000 messages from a local Dovecot: messages per second and peak memory.
bench-sync: $(STAMP) system-deps
	$(BIN)/python bench/sync_bench.py

clean:
	rm -rf $(VENV) $(DEMO) bench/out .pytest_cache .mypy_cache .ruff_cache
