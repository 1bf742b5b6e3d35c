# One command runs everything CI runs: `make check` (what .ci/run calls).
.PHONY: check lint test bench

check: lint test

lint:
	ruff check .
	ruff format --check .
	mypy

test:
	pytest

bench:
	python bench/conv.py
	python bench/pool.py
	python bench/grade_latency.py
