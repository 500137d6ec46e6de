# Two commands do everything: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

APT_RUN := gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-dejavu-extra fonts-liberation2
APT_TEST := $(APT_RUN) chromium libatomic1 poppler-utils redis-server postgresql-client
# pytest-xdist processes (`make test TEST_WORKERS=0` runs in one); a test file's
# tests stay in one process, so its module fixtures (the seeded demo) are built once.
TEST_WORKERS ?= 2

.PHONY: run test lint install install-dev system-run system-test messages demo clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install --quiet ".[dev,s3]"
	touch $@

install: $(VENV)/.installed

# Debian packages: installed only when missing, and only when we are root.
define apt_ensure
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Please install system packages:$$missing (sudo apt-get install$$missing)"; \
		fi; \
	fi
endef

system-run:
	$(call apt_ensure,$(APT_RUN))

system-test:
	$(call apt_ensure,$(APT_TEST))
	@# npm installs axe-core and vnu-jar for the browser tests (node_modules/.installed).
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && echo "Installing nodejs npm" && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@# Java runs the Nu Html Checker (vnu-jar) of the browser tests.
	@command -v java >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && echo "Installing default-jre-headless" && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }
	@# The Celery worker test needs Redis on 127.0.0.1:6379: start one if none answers.
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
		echo "Starting redis-server on 127.0.0.1:6379"; \
		redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes; \
		for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done; }

# axe-core and vnu-jar for the browser tests (package.json; node_modules/ is not committed;
# --ignore-scripts: vnu-jar would otherwise look for a Java to download).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

messages: install
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

run: system-run install messages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: system-test install messages node_modules/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache

# The load test (README «Нагрузочный тест»), not part of `make test`: PostgreSQL and
# Redis on 127.0.0.1, gunicorn + Celery + locust for about two minutes in all.
.PHONY: loadtest
$(VENV)/.installed-load: pyproject.toml | $(PY)
	$(PIP) install --quiet ".[dev,load]"
	touch $@

loadtest: $(VENV)/.installed-load messages
	$(PY) loadtest/run.py $(LOADTEST_ARGS)

# Issue 17's figures beside their goals (README «Замеры производительности»), not part
# of `make test`: SQLite by default, PostgreSQL when DATABASE_URL is set.
.PHONY: bench
bench: install messages
	$(PY) -m bench.run
