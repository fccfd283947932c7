# `make run` and `make test` work from a fresh clone: they create .venv and install what is needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup messages browser fonts migrate seed run test lint audit format clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP) messages browser fonts
	mkdir -p var/mail var/broker/queue var/broker/processed var/broker/control

# The browser tests drive Debian's Chromium (never a downloaded browser). Installed when missing
# and we may (root with apt); otherwise the browser tests say why they are skipped (or fail in CI).
browser:
	@if ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
				|| echo "Could not install chromium: the browser tests will not run."; \
		else echo "chromium is not installed (apt-get install chromium): the browser tests will not run."; fi; \
	fi

# The summary's PDF (WeasyPrint, drawn with Pango) embeds DejaVu Serif, which has every Vietnamese
# letter: Debian's fonts-dejavu-core, installed like chromium above when missing and we may.
fonts:
	@if ! fc-list 2>/dev/null | grep -q "DejaVu Serif"; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's fonts-dejavu-core for the summaries' PDF..."; \
			(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core fontconfig >/dev/null) \
				|| echo "Could not install fonts-dejavu-core: the PDF summaries will lack Vietnamese letters."; \
		else echo "DejaVu Serif is not installed (apt-get install fonts-dejavu-core): the PDF summaries will lack Vietnamese letters."; fi; \
	fi

# Compiled catalogues are committed; recompile when gettext is there so edits to .po files show.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null && ls */locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v 0; fi

migrate: setup
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py load_reference_agencies
	$(BIN)/python manage.py load_seeds

# Web app and follow-up worker (with its beat) side by side; Ctrl-C stops both.
run: seed
	@# Two offices' clerks: the Government Office's, and Bắc Ninh's (which follows Bắc Giang's records).
	$(BIN)/python manage.py create_demo_clerk --office van-phong-chinh-phu
	$(BIN)/python manage.py create_demo_clerk --username bacninh --password bacninh-demo-2024 --office van-phong-ubnd-tinh-bac-ninh
	@# As at 08:00 today (office hours), so the demo shows today's reminders whatever the hour.
	$(BIN)/python manage.py followup_sweep --now "$$(TZ=Asia/Ho_Chi_Minh date +%Y-%m-%d)T08:00"
	@echo "Reminders written to var/mail/ (the worker's beat sweeps again every 5 minutes)."
	@echo "Admin: http://$(HOST):$(PORT)/admin/"
	@# The worker runs in the background (it ignores the terminal's Ctrl-C); when the web server stops,
	@# the worker is asked once to finish its task and stop (a warm shutdown), and waited for.
	@$(BIN)/celery -A config worker --beat --loglevel INFO --concurrency 1 & worker=$$!; \
	trap 'trap - INT TERM EXIT; kill -TERM $$worker 2>/dev/null; wait $$worker; echo "Stopped the web server and the worker."' INT TERM EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# pip-audit needs its vulnerability service (PyPI's JSON API or OSV): offline it says "NOT audited"
# and fails, never reports a clean result. Then bandit over the code (settings in pyproject.toml).
audit: setup
	$(BIN)/python .ci/audit

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
