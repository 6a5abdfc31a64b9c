# Build and test plumbing for torch-conformance.
#
#   make venv    create .venv (if missing) and install the project with the dev extra
#   make test    unit tests (tests/) and the conformance suite (ci profile)
#   make report  run the conformance suite: reports/index.html, results.json, pytest-report.html
#   make lint    ruff + mypy
#   make bench   benchmarks
#   make clean   remove the install stamp, generated reports and caches

PYTHON ?= python3
VENV ?= .venv
CONSTRAINTS ?= constraints/ci.txt
PROFILE ?= ci
REPORTS ?= reports
JOBS ?= auto

VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := test
.PHONY: venv test report lint bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -c $(CONSTRAINTS) -e '.[dev]'
	@touch $@

# Both suites always run; the target fails if either one fails
# (with the exit status of the first failure).
test: venv
	@status=0; \
	$(VPY) -m pytest tests -q -n $(JOBS) || status=$$?; \
	$(VPY) -m pytest conformance -q -n $(JOBS) --conformance-profile=$(PROFILE) \
		|| { rc=$$?; [ $$status -ne 0 ] || status=$$rc; }; \
	exit $$status

# python -m conformance run: exit 0 when every required claim conforms, 1 when one is
# violated, 2 for usage errors; the report is written in every case but a usage error.
# With a GPU run committed (docs/gpu/results.json), $(REPORTS)/merged/index.html shows this
# machine's columns beside the GPU machine's (CPU, meta, CUDA); the exit status is the run's.
GPU_RESULTS ?= docs/gpu/results.json
report: venv
	@status=0; \
	$(VPY) -m conformance run --profile $(PROFILE) --out $(REPORTS) --jobs $(JOBS) || status=$$?; \
	if [ $$status -le 1 ] && [ -f $(GPU_RESULTS) ]; then \
		$(VPY) -m conformance merge $(REPORTS)/results.json $(GPU_RESULTS) \
			--out $(REPORTS)/merged || [ $$? -eq 1 ] || status=2; \
	fi; \
	exit $$status

lint: venv
	@status=0; \
	$(VENV)/bin/ruff check . || status=$$?; \
	$(VENV)/bin/mypy || { rc=$$?; [ $$status -ne 0 ] || status=$$rc; }; \
	exit $$status

bench: venv
	$(VPY) -m conformance.bench

clean:
	rm -f $(STAMP)
	rm -f $(REPORTS)/*.html $(REPORTS)/*.json
	rm -rf $(REPORTS)/assets
	rm -rf .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
