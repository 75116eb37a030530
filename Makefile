# Open vs Frontier: the production decision.
# `make lab`  : set everything up (first run: ~5 min, llama-cpp-python compiles) and open the course.
# `make test` : the same setup without Lab, then lint, format check and the whole test suite.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Text-only llama.cpp build (chat, server, quantize still work): about 30% faster to compile.
# For a GPU build: make clean-venv, then CMAKE_ARGS="-DGGML_CUDA=on -DLLAVA_BUILD=OFF" make lab (an env var,
# so llama-server is built for the GPU too).
CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
LAB_PORT ?= 8888

.PHONY: help setup model lab test lint format bench llama-server clean clean-venv

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo ">>> Creating $(VENV) and installing the course (first time: about 5 minutes;"
	@echo ">>> llama-cpp-python compiles llama.cpp from source on this machine, please wait)."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@start=$$(date +%s); \
	  CMAKE_ARGS="$(CMAKE_ARGS)" $(PY) -m pip install --progress-bar on -e ".[dev]" \
	  && echo ">>> Installed in $$(( $$(date +%s) - start )) s."
	@touch $(STAMP)

setup: $(STAMP) ## create the virtual environment and install everything

model: setup ## build the embedded model (all quant variants; offline, < 2 s)
	@$(PY) -m course models build

lab: model ## set up and open the course in JupyterLab
	@echo ">>> Starting JupyterLab on port $(LAB_PORT): open the http://127.0.0.1:$(LAB_PORT)/lab?token=... link printed below."
	@$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  --ServerApp.root_dir="$(CURDIR)" lessons/00-start-here.ipynb

llama-server: setup ## build llama.cpp's own llama-server (parallel slots; about 3-4 min once)
	@PYTHON=$(PY) bash scripts/build_llama_server.sh

test: model llama-server ## lint, format check and the whole test suite (notebooks included)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	COURSE_HEADLESS=1 MPLBACKEND=Agg $(PY) -m pytest

lint: setup ## ruff check and format check only
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: model llama-server ## run the benchmarks (figures and ratios; several minutes)
	$(PY) bench/harness_overhead.py
	$(PY) bench/roofline.py
	$(PY) bench/concurrency.py

clean: ## remove caches, results and nbgrader working folders (keeps the venv and models)
	rm -rf .pytest_cache .ruff_cache results/ bench/results/ autograded/ submitted/ feedback/ release/ gradebook.db

clean-venv: ## remove the virtual environment (the next make reinstalls)
	rm -rf $(VENV)
