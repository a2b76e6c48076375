# Developer and CI entry points of account_debt_recovery (see README.md).
# The work is done by the harness in dev/ (python3 -m dev <command>, from this
# folder); everything it generates lives in .local/.
PYTHON ?= python3
DEV := $(PYTHON) -m dev

.DEFAULT_GOAL := help
.PHONY: help test bench bench-check lint lint-optional format pot demo demo-stop demo-reset setup stop clean

help:
	@echo "make test        lint, then the whole test suite (pytest-odoo) on a fresh database"
	@echo "make demo        demo database served on http://127.0.0.1:$${ADR_DEMO_HTTP_PORT:-8069} (admin / admin), its email in .local/mail/"
	@echo "make demo-stop   stop the server and the mail sink started by make demo"
	@echo "make demo-reset  drop the demo database (the next make demo rebuilds it)"
	@echo "make bench       the benchmarks of README Performance (BENCH_PARTNERS, BENCH_INVOICES)"
	@echo "make bench-check check the benchmark data's SQL generator against the ORM (BENCH_CHECK_PARTNERS, BENCH_CHECK_INVOICES)"
	@echo "make lint        ruff, ruff format --check, pylint-odoo, oca-checks-odoo-module"
	@echo "make lint-optional  pylint with OCA's optional checks too (never fails)"
	@echo "make format      ruff check --fix, then ruff format"
	@echo "make pot         regenerate i18n/*.pot and merge the translations"
	@echo "make setup       only install what is missing (pip, apt, wkhtmltopdf)"
	@echo "make stop        stop the demo server and the private PostgreSQL cluster"
	@echo "make clean       stop everything and delete .local/"

test:
	@$(DEV) test

bench:
	@$(DEV) bench

bench-check:
	@$(DEV) bench-check

lint:
	@$(DEV) lint

pot:
	@$(DEV) pot

lint-optional:
	@$(DEV) lint-optional

format:
	@$(DEV) format

demo:
	@$(DEV) demo

demo-stop:
	@$(DEV) demo-stop

demo-reset:
	@$(DEV) demo-reset

setup:
	@$(DEV) setup

stop:
	@$(DEV) stop

clean:
	@$(DEV) clean
