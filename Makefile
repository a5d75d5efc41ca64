# Yishi (议事): `make demo` runs the product with demo data, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test install system-deps lint typecheck migrate serve messages bench screens clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser tests and PDFs need: Chromium, CJK fonts, poppler.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -d /usr/share/fonts/opentype/noto || missing="$$missing fonts-noto-cjk"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

# The demo runs in development mode (DEBUG, development keys); production leaves it off.
demo: export YISHI_DEBUG ?= 1
demo: $(STAMP) migrate
	$(BIN)/python manage.py demo_data
	BIN=$(BIN) sh scripts/demo-serve.sh

# ruff, mypy, and the layers: import-linter's contracts (pyproject.toml) and pure rules.
lint: $(STAMP)
	$(BIN)/ruff check yishi scripts
	$(BIN)/mypy yishi
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_pure_rules.py

test: $(STAMP) system-deps lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest --cov=yishi --cov-report=term:skip-covered $(PYTEST_ARGS)

# The phone-sized screenshots in docs/screens/: the browser walk of each role's main pages
# (yishi/portal/tests/test_phone_pages_browser.py) saves each page it checks.
screens: $(STAMP) system-deps
	rm -f docs/screens/*.png
	YISHI_SCREENS=$(CURDIR)/docs/screens $(BIN)/pytest -q yishi/portal/tests/test_phone_pages_browser.py

messages: $(STAMP)
	cd yishi && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var
