# payments.dr: `make demo` deploys the stack on the local emulator, `make test` runs every gate.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
DR_EMULATOR_PORT ?= 4566
export DR_EMULATOR_PORT
CACHE := .cache
EMULATOR_PID := $(CACHE)/emulator.pid

CHECKOV_VENV := .venv-checkov

.PHONY: venv demo test pytest lint sanity security molecule role-docs emulator-start emulator-stop clean

venv: $(BIN)/.installed
$(BIN)/.installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# Starts the demo emulator, or says it is already running; never adopts another process's.
emulator-start: venv
	@mkdir -p $(CACHE)
	@if [ -f $(EMULATOR_PID) ] && kill -0 $$(cat $(EMULATOR_PID)) 2>/dev/null; then \
	  echo "emulator already running on 127.0.0.1:$(DR_EMULATOR_PORT) (pid $$(cat $(EMULATOR_PID)))"; \
	elif curl -s -o /dev/null --max-time 2 http://127.0.0.1:$(DR_EMULATOR_PORT)/; then \
	  echo "port $(DR_EMULATOR_PORT) already answers and it is not the emulator make started:" \
	       "stop that process or choose another port (make demo DR_EMULATOR_PORT=4567)"; exit 1; \
	else \
	  nohup $(BIN)/python -m tests.emulator --port $(DR_EMULATOR_PORT) --pidfile $(EMULATOR_PID) \
	    > $(CACHE)/emulator.log 2>&1 & \
	  for i in $$(seq 1 50); do \
	    curl -sf http://127.0.0.1:$(DR_EMULATOR_PORT)/_dr/health >/dev/null && break; sleep 0.2; \
	  done; \
	  kill -0 $$(cat $(EMULATOR_PID) 2>/dev/null) 2>/dev/null \
	    && curl -sf http://127.0.0.1:$(DR_EMULATOR_PORT)/_dr/health >/dev/null \
	    || { echo "emulator did not start; see $(CACHE)/emulator.log"; exit 1; }; \
	  echo "emulator up on 127.0.0.1:$(DR_EMULATOR_PORT)"; \
	fi

emulator-stop:
	@if [ -f $(EMULATOR_PID) ]; then kill $$(cat $(EMULATOR_PID)) 2>/dev/null || true; rm -f $(EMULATOR_PID); fi

demo: venv emulator-start
	ansible-playbook site.yml -i inventories/local
	ansible-playbook playbooks/demo_summary.yml -i inventories/local

# Two workers (CI has two cores); tests sharing a deployed stack run on one of them (loadgroup).
PYTEST_WORKERS ?= 2
pytest: venv
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadgroup --durations=15

# The options table of every role README, written from its meta/argument_specs.yml
# (tests/unit/test_role_options.py fails when one is stale or a default disagrees with its spec).
role-docs: venv
	$(BIN)/python tests/role_options.py --write

lint: venv
	ansible-lint --profile production

sanity: venv
	bash tests/sanity/run.sh

# checkov pins packages that clash with the test tools (boto3, packaging): its own venv.
$(CHECKOV_VENV)/.installed: tests/security/requirements.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r tests/security/requirements.txt
	touch $@

security: $(CHECKOV_VENV)/.installed
	CHECKOV=$(CHECKOV_VENV)/bin/checkov bash tests/security/run_checkov.sh

# A free port of its own: a demo emulator on $(DR_EMULATOR_PORT) is neither adopted nor wiped.
molecule: venv
	@port=$$($(CURDIR)/$(BIN)/python tests/free_port.py) && echo "molecule: emulator on 127.0.0.1:$$port" \
	  && cd extensions && DR_EMULATOR_PORT=$$port molecule test --all

# Every gate runs to the end; one line per gate with its wall seconds closes the output. pytest
# keeps a third of the two cores idle (a worker waits on its playbook, the playbook on the
# emulator): the other gates run beside it at the lowest priority and take only that idle CPU.
test: venv
	@bash tests/gates.sh pytest+nice:molecule+nice:lint+nice:sanity+nice:security

clean: emulator-stop
	rm -rf $(VENV) $(CHECKOV_VENV) $(CACHE)
