# One command runs everything CI runs: `make check` (what .ci/run calls).
.PHONY: check lint test test-fast bench

check: lint test

lint:
	ruff check .
	ruff format --check .
	mypy

test:
	pytest

# The inner loop: everything but the tests marked slow (installs, whole courses, clusters).
test-fast:
	pytest -m "not slow" -q

bench:
	python bench/conv.py
	python bench/pool.py
	python bench/grade_latency.py
