#!/usr/bin/env bash
# Install llama.cpp's own `llama-server`, the same llama.cpp version the course's Python bindings use.
#
# One compile: `make setup` asks pip's llama-cpp-python build (scikit-build-core) to keep its CMake
# build folder in $COURSE_CACHE_DIR/llama.cpp/pybuild and to build the llama-server target there too,
# linked to the very libllama/libggml the Python package installs. This script then only links that
# binary into place (seconds). Without such a build (a venv made the old way, or pip reused a cached
# wheel) it compiles llama-server on its own from the vendored source, as before (3-4 minutes).
set -euo pipefail

LCP_VERSION="0.3.36"
TARGETS=(llama-server)

usage() {
    cat <<EOF
Usage: scripts/build_llama_server.sh [--force] [--help]

Installs llama-server (llama.cpp from the llama-cpp-python ${LCP_VERSION} sdist) to
  \${COURSE_CACHE_DIR:-\${XDG_CACHE_HOME:-\$HOME/.cache}/open-vs-frontier}/llama.cpp/bin/
When \`make setup\` built it alongside the Python package (llama.cpp/pybuild), it is linked from
there in seconds. Otherwise it is compiled from the vendored source: about 3-4 minutes on 2 CPU
cores. A second run exits at once when the binary is in place.

Options:
  --force     compile on its own even when the binary is in place or the pip build has one
  --help      show this help

Environment:
  PYTHON             the Python whose pip downloads the sdist (default: python3)
  COURSE_CACHE_DIR   cache root (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/open-vs-frontier)
  CMAKE_ARGS         extra CMake flags, e.g. a CUDA build:
                     CMAKE_ARGS="-DGGML_CUDA=on -DCMAKE_CUDA_ARCHITECTURES=90"
  JOBS               parallel build jobs (default: nproc)
EOF
}

FORCE=0
for arg in "$@"; do
    case "$arg" in
        -h | --help) usage; exit 0 ;;
        --force) FORCE=1 ;;
        *) echo "Unknown argument: $arg (see --help)" >&2; exit 2 ;;
    esac
done

PYTHON="${PYTHON:-python3}"
CACHE_DIR="${COURSE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/open-vs-frontier}"
ROOT="$CACHE_DIR/llama.cpp"
SDIST_DIR="$ROOT/sdist"
SRC_DIR="$ROOT/src/llama_cpp_python-$LCP_VERSION"
BUILD_DIR="$ROOT/build"
BIN_DIR="$ROOT/bin"
STAMP="$BIN_DIR/BUILD_INFO"
PIP_BUILD_BIN="$ROOT/pybuild/bin"  # the Makefile's SKBUILD_BUILD_DIR (one compile)
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
USER_CMAKE_ARGS="${CMAKE_ARGS:-}"
WANT_STAMP="llama-cpp-python==$LCP_VERSION CMAKE_ARGS=$USER_CMAKE_ARGS"

log() { printf '[build_llama_server] %s\n' "$*"; }

PIP_STAMP="llama-cpp-python==$LCP_VERSION pip build $PIP_BUILD_BIN"

up_to_date() {
    [[ -f "$STAMP" ]] || return 1
    [[ "$(cat "$STAMP")" == "$WANT_STAMP" || "$(cat "$STAMP")" == "$PIP_STAMP" ]] || return 1
    local t
    for t in "${TARGETS[@]}"; do [[ -x "$BIN_DIR/$t" ]] || return 1; done  # -x follows the link
    "$BIN_DIR/llama-server" --version >/dev/null 2>&1  # its shared libraries still resolve
}

if [[ "$FORCE" -eq 0 ]] && up_to_date; then
    log "Up to date: ${TARGETS[*]} in $BIN_DIR ($(cat "$STAMP")). Use --force to rebuild."
    exit 0
fi

# One compile: the binary the Python package's own build made (see the Makefile's setup).
if [[ "$FORCE" -eq 0 && -x "$PIP_BUILD_BIN/llama-server" ]] && "$PIP_BUILD_BIN/llama-server" --version >/dev/null 2>&1; then
    mkdir -p "$BIN_DIR"
    for t in "${TARGETS[@]}"; do ln -sfn "$PIP_BUILD_BIN/$t" "$BIN_DIR/$t"; done
    echo "$PIP_STAMP" >"$STAMP"
    log "Linked ${TARGETS[*]} from the llama-cpp-python build ($PIP_BUILD_BIN): no second compile."
    exit 0
fi

for tool in cmake "$PYTHON"; do
    command -v "$tool" >/dev/null || { echo "Needs '$tool' on PATH." >&2; exit 1; }
done

START=$(date +%s)
log "Building ${TARGETS[*]} from llama-cpp-python $LCP_VERSION's vendored llama.cpp."
log "This takes about 3-4 minutes on 2 idle cores, longer on a busy machine ($JOBS jobs)."

# 1. The sdist (downloaded once, reused afterwards).
mkdir -p "$SDIST_DIR"
SDIST=$(find "$SDIST_DIR" -maxdepth 1 -name "llama_cpp_python-$LCP_VERSION.tar.gz" -print -quit)
if [[ -z "$SDIST" ]]; then
    log "Downloading the llama-cpp-python $LCP_VERSION sdist into $SDIST_DIR"
    "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: --dest "$SDIST_DIR" \
        "llama-cpp-python==$LCP_VERSION"
    SDIST=$(find "$SDIST_DIR" -maxdepth 1 -name "llama_cpp_python-$LCP_VERSION.tar.gz" -print -quit)
    [[ -n "$SDIST" ]] || { echo "pip did not leave an sdist in $SDIST_DIR" >&2; exit 1; }
else
    log "Reusing $SDIST"
fi

# 2. Extract (once).
if [[ ! -f "$SRC_DIR/vendor/llama.cpp/CMakeLists.txt" ]]; then
    log "Extracting into $ROOT/src"
    mkdir -p "$ROOT/src"
    tar -xzf "$SDIST" -C "$ROOT/src"
fi
LLAMA_SRC="$SRC_DIR/vendor/llama.cpp"
[[ -f "$LLAMA_SRC/CMakeLists.txt" ]] || { echo "No llama.cpp source at $LLAMA_SRC" >&2; exit 1; }

# 3. Configure. The prebuilt web UI would be downloaded at build time: turn it off (offline box).
#    Static libraries, so the installed binaries do not depend on the build folder.
#    CMake caches options, so a build folder configured with other CMAKE_ARGS starts afresh.
if [[ -d "$BUILD_DIR" && "$(cat "$BUILD_DIR/COURSE_BUILD_INFO" 2>/dev/null)" != "$WANT_STAMP" ]]; then
    log "CMAKE_ARGS changed: removing the old build folder $BUILD_DIR"
    rm -rf "$BUILD_DIR"
fi
mkdir -p "$BUILD_DIR"
echo "$WANT_STAMP" >"$BUILD_DIR/COURSE_BUILD_INFO"
# shellcheck disable=SC2206
EXTRA=($USER_CMAKE_ARGS)
log "Configuring in $BUILD_DIR"
cmake -S "$LLAMA_SRC" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
    -DLLAMA_BUILD_SERVER=ON -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_CURL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DBUILD_SHARED_LIBS=OFF "${EXTRA[@]}" >"$ROOT/configure.log" 2>&1 \
    || { tail -n 40 "$ROOT/configure.log" >&2; exit 1; }

# 4. Build and install.
log "Compiling (log: $ROOT/build.log)"
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${TARGETS[@]}" >"$ROOT/build.log" 2>&1 \
    || { tail -n 40 "$ROOT/build.log" >&2; exit 1; }
mkdir -p "$BIN_DIR"
for t in "${TARGETS[@]}"; do
    rm -f "$BIN_DIR/$t"  # may be a link into the pip build
    install -m 0755 "$BUILD_DIR/bin/$t" "$BIN_DIR/$t"
done
echo "$WANT_STAMP" >"$STAMP"
log "Installed ${TARGETS[*]} to $BIN_DIR in $(($(date +%s) - START)) s."
