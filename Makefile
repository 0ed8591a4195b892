# Xuekao (学考). `make run` serves the app with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test lint format translations extract-messages db-upgrade demo scheduler bench clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

$(VENV)/.dev-installed: $(BIN)/activate requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(BIN)/activate
	$(BIN)/pybabel compile -d app/translations

extract-messages: $(BIN)/activate
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot app
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

db-upgrade: $(BIN)/activate
	$(FLASK) db upgrade

demo: db-upgrade
	$(FLASK) demo load

run: translations demo
	@echo "Serving http://127.0.0.1:$(PORT) (scheduler running alongside; Ctrl-C stops both)"
	@$(FLASK) scheduler run & sched=$$!; \
	trap 'kill $$sched 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload

test: $(VENV)/.dev-installed translations
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

scheduler: $(BIN)/activate
	$(FLASK) scheduler run

bench: $(VENV)/.dev-installed translations
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance/xuekao.db* .pytest_cache .ruff_cache

# The exam-day load test (bench/README.md): SQLite, and PostgreSQL when BENCH_DATABASE_URL is set.
.PHONY: bench-exam
bench-exam: $(VENV)/.dev-installed translations
	$(BIN)/python bench/exam_day.py $(BENCH_ARGS)

# nginx + N gunicorn app hosts on PostgreSQL + Redis + one scheduler, on this machine
# (docs/deployment.md). CLUSTER_ARGS="--hosts 3 --port 8080 --demo".
.PHONY: cluster
cluster: $(BIN)/activate translations
	$(BIN)/python deploy/cluster.py $(CLUSTER_ARGS)
